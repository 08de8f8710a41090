package io.vendpay.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * The sandbox's Alipay app: the app key pair a merchant generates (its public key uploaded to
 * Alipay) and Alipay's own key pair (its public key given to the merchant). Made once under
 * {@code <data-dir>/sandbox/alipay}; the two pairs are distinct, as Alipay's SDK insists.
 */
public record AlipaySandboxCredentials(Path dir, String appId, String sellerId) {

    public Path appPrivateKeyPem() {
        return dir.resolve("app_private_key.pem");
    }

    public Path alipayPublicKeyPem() {
        return dir.resolve("alipay_public_key.pem");
    }

    public PrivateKey alipayPrivateKey() {
        return SandboxCredentials.readPrivateKey(dir.resolve("alipay_private_key.pem"));
    }

    public PublicKey appPublicKey() {
        return SandboxCredentials.readPublicKey(dir.resolve("app_public_key.pem"));
    }

    public static synchronized AlipaySandboxCredentials loadOrCreate(Path dataDir) {
        Path dir = dataDir.resolve("sandbox").resolve("alipay");
        Path props = dir.resolve("alipay.properties");
        try {
            if (!Files.exists(props)) {
                Files.createDirectories(dir);
                KeyPair app = SandboxCredentials.rsa();
                KeyPair alipay = SandboxCredentials.rsa();
                SandboxCredentials.writePem(dir.resolve("app_private_key.pem"), "PRIVATE KEY", app.getPrivate().getEncoded());
                SandboxCredentials.writePem(dir.resolve("app_public_key.pem"), "PUBLIC KEY", app.getPublic().getEncoded());
                SandboxCredentials.writePem(dir.resolve("alipay_private_key.pem"), "PRIVATE KEY", alipay.getPrivate().getEncoded());
                SandboxCredentials.writePem(dir.resolve("alipay_public_key.pem"), "PUBLIC KEY", alipay.getPublic().getEncoded());
                var random = new SecureRandom();
                var p = new Properties();
                p.setProperty("app-id", "2021" + String.format("%012d", Math.abs(random.nextLong() % 1_000_000_000_000L)));
                p.setProperty("seller-id", "2088" + String.format("%012d", Math.abs(random.nextLong() % 1_000_000_000_000L)));
                Path tmp = dir.resolve("alipay.properties.tmp");
                try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    p.store(out, "vendpay sandbox Alipay app (generated; not a real Alipay app)");
                }
                Files.move(tmp, props, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            var p = new Properties();
            try (var in = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            return new AlipaySandboxCredentials(dir, p.getProperty("app-id"), p.getProperty("seller-id"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create or read the sandbox Alipay app under " + dir, e);
        }
    }
}
