package io.vendpay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vendpay.shared.LocalPorts;
import io.vendpay.sandbox.AlipaySandboxCredentials;
import io.vendpay.sandbox.SandboxCredentials;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The embedded default (contract section 7): whatever the operator did not configure gets a
 * working value, so {@code java -jar vendpay.jar} alone runs a whole platform. Runs after all
 * configuration sources are read and only fills gaps, at the lowest precedence:
 * <ul>
 *   <li>no {@code spring.datasource.url}: H2 in MySQL mode under {@code vendpay.data-dir};</li>
 *   <li>no {@code vendpay.admin.token}: one generated once and kept in {@code <data-dir>/admin-token};</li>
 *   <li>no {@code vendpay.channels.wechat.api-base-url} nor {@code vendpay.channels.alipay.gateway-url}: the
 *       in-process sandbox for both channels, with a generated sandbox merchant and Alipay app; a configured
 *       real endpoint switches the sandbox and the simulated fleet off.</li>
 * </ul>
 */
class EmbeddedDefaults implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE = "vendpayEmbeddedDefaults";
    /** What every embedded H2 file of vendpay's is opened with, so that what it committed survives a kill -9. */
    static final String H2_DURABLE = "WRITE_DELAY=0";

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        Path dataDir = Path.of(env.getProperty("vendpay.data-dir", "./data")).toAbsolutePath().normalize();
        Map<String, Object> defaults = new LinkedHashMap<>();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + dataDir
                    + "; set vendpay.data-dir to a writable directory", e);
        }
        // Pinned above every other source: a placeholder such as ${random.uuid} must resolve once.
        env.getPropertySources().addFirst(new MapPropertySource(SOURCE + "DataDir", Map.of("vendpay.data-dir", dataDir.toString())));

        // AUTO_SERVER: a command-line mode (reconcile, bench audit) can open the same file while the server runs.
        // WRITE_DELAY=0: H2 otherwise keeps committed transactions in memory for up to 500 ms, and a kill -9 in
        // that window lost notifications already answered 200 (issue 8). With 0, a commit is in the file (the
        // OS's page cache) before it returns, so it survives the death of the process; H2 does not fsync per commit.
        if (!env.containsProperty("spring.datasource.url")) {
            defaults.put("spring.datasource.url", "jdbc:h2:file:" + dataDir.resolve("vendpay")
                    + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;AUTO_SERVER=TRUE;" + H2_DURABLE);
            defaults.put("spring.datasource.username", "sa");
            defaults.put("spring.datasource.password", "");
        }

        if (!hasText(env, "vendpay.admin.token")) {
            Path file = dataDir.resolve("admin-token");
            boolean generated = !Files.exists(file);
            defaults.put("vendpay.admin.token", readOrCreateSecret(file, 24));
            defaults.put("vendpay.admin.token-file", file.toString());
            defaults.put("vendpay.admin.token-generated", generated);
        }
        if (!hasText(env, "vendpay.mqtt.password")) {
            defaults.put("vendpay.mqtt.password", readOrCreateSecret(dataDir.resolve("mqtt-platform-password"), 24));
        }

        boolean sandboxWanted = Boolean.parseBoolean(env.getProperty("vendpay.sandbox.enabled", "true"));
        boolean realChannel = hasText(env, "vendpay.channels.wechat.api-base-url") || hasText(env, "vendpay.channels.alipay.gateway-url");
        boolean sandbox = sandboxWanted && !realChannel;
        defaults.put("vendpay.sandbox.enabled", sandbox);
        if (sandbox) {
            int port = Integer.parseInt(env.getProperty("vendpay.sandbox.port", "0"));
            if (port == 0) {
                port = LocalPorts.free();
            }
            defaults.put("vendpay.sandbox.port", port);
            SandboxCredentials merchant = SandboxCredentials.loadOrCreate(dataDir);
            String w = "vendpay.channels.wechat.";
            defaults.put(w + "enabled", true);
            defaults.put(w + "api-base-url", "http://127.0.0.1:" + port);
            defaults.put(w + "mchid", merchant.mchid());
            defaults.put(w + "appid", merchant.appid());
            defaults.put(w + "api-v3-key", merchant.apiV3Key());
            defaults.put(w + "merchant-serial-no", merchant.merchantSerialNo());
            defaults.put(w + "merchant-private-key", merchant.merchantPrivateKeyPem().toString());
            defaults.put(w + "platform-public-key", merchant.platformPublicKeyPem().toString());
            defaults.put(w + "platform-public-key-id", merchant.platformPublicKeyId());
            AlipaySandboxCredentials app = AlipaySandboxCredentials.loadOrCreate(dataDir);
            String a = "vendpay.channels.alipay.";
            defaults.put(a + "enabled", true);
            defaults.put(a + "gateway-url", "http://127.0.0.1:" + port + "/gateway.do");
            defaults.put(a + "app-id", app.appId());
            defaults.put(a + "seller-id", app.sellerId());
            defaults.put(a + "app-private-key", app.appPrivateKeyPem().toString());
            defaults.put(a + "alipay-public-key", app.alipayPublicKeyPem().toString());
        } else {
            defaults.put("vendpay.sim.enabled", false);
        }
        env.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
    }

    private static boolean hasText(ConfigurableEnvironment env, String key) {
        String v = env.getProperty(key);
        return v != null && !v.isBlank();
    }

    private static String readOrCreateSecret(Path file, int bytes) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            byte[] raw = new byte[bytes];
            new SecureRandom().nextBytes(raw);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, secret + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep a generated secret in " + file, e);
        }
    }

}
