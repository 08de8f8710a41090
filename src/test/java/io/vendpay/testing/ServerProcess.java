package io.vendpay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A vendpay node as its own operating-system process ({@code java -jar target/vendpay.jar}), for the
 * fault tests that kill one with SIGKILL. Everything that must survive a restart is fixed when it is
 * built: data directory, ports, operator token, broker client id, store. {@link #kill()} is a real
 * {@code kill -9}: no shutdown hook, no graceful stop, no flush.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target/vendpay.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public final Path dataDir;
    public final int port;
    public final String token;
    public final String mqttUrl;
    private final Map<String, String> properties;
    private final Path log;
    private final String name;
    private Process process;
    private int starts;

    private ServerProcess(String name, Path dataDir, int port, String token, String mqttUrl, Map<String, String> properties) {
        this.name = name;
        this.dataDir = dataDir;
        this.port = port;
        this.token = token;
        this.mqttUrl = mqttUrl;
        this.properties = properties;
        this.log = dataDir.resolve(name + ".log");
    }

    /**
     * A node on {@code store} ({@code null}: the embedded H2 under its data directory; otherwise a JDBC URL
     * of MariaDB, root without password), with the embedded broker on {@code mqttPort} unless
     * {@code extra} points it elsewhere, the sandbox on a fixed port, simulated machines off and the
     * timers tests use. Not started yet.
     */
    public static ServerProcess node(String name, Path dataDir, String store, int mqttPort, Map<String, String> extra) {
        var p = new LinkedHashMap<String, String>();
        int port = TestStores.freePort();
        String token = "t-" + UUID.randomUUID();
        String mqttUrl = "tcp://127.0.0.1:" + mqttPort;
        p.put("server.port", Integer.toString(port));
        p.put("vendpay.data-dir", dataDir.toString());
        p.put("vendpay.admin.token", token);
        p.put("vendpay.mqtt.url", mqttUrl);
        p.put("vendpay.mqtt.embedded-broker", "true");
        p.put("vendpay.mqtt.client-id", "vendpay-" + name);
        p.put("vendpay.sim.enabled", "false");
        p.put("vendpay.sandbox.port", Integer.toString(TestStores.freePort()));
        p.put("vendpay.sandbox.time-scale", "0.01");
        p.put("vendpay.sandbox.refund-delay", "200ms");
        p.put("vendpay.dispense.resend-after", "1s");
        p.put("vendpay.dispense.unknown-after", "20s");
        p.put("vendpay.payment.sweep-after", "1s");
        p.put("vendpay.payment.query-after", "3s");
        p.put("vendpay.payment.refund-query-after", "1s");
        if (store != null) {
            p.put("spring.datasource.url", store);
            p.put("spring.datasource.username", "root");
            p.put("spring.datasource.password", "");
        }
        p.putAll(extra);
        return new ServerProcess(name, dataDir, port, token, p.get("vendpay.mqtt.url"), p);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the process and waits until its health endpoint answers UP and its MQTT link is subscribed. */
    public ServerProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the fault tests run the packaged jar (mvn verify packages it first)");
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        properties.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        try {
            Files.writeString(log, "==== start " + (++starts) + " of " + name + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        awaitReady(Duration.ofSeconds(120));
        return this;
    }

    /** SIGKILL, as {@code kill -9}: the JVM gets no chance to flush, close or say goodbye. Returns when it is gone. */
    public void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    private void awaitReady(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting:\n" + logTail(60));
            }
            if (ready()) {
                return;
            }
            try {
                Thread.sleep(200);      // polling a process that is starting: there is no event to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " did not become ready within " + limit.toSeconds() + " s:\n" + logTail(60));
    }

    /** Health UP and the platform's MQTT link connected ({@code vendpay_mqtt_connected} 1). */
    private boolean ready() {
        try {
            var health = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (health.statusCode() != 200) {
                return false;
            }
            var metrics = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return metrics.body().lines().anyMatch(l -> l.startsWith("vendpay_mqtt_connected") && l.endsWith(" 1.0"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The test's view of this node, for the helpers that take a {@link Platform}; {@code sql} reads its store. */
    public Platform platform(JdbcClient sql) {
        return new Platform(port, token, mqttUrl, null, sql);
    }

    /**
     * SQL on the embedded H2 of this node, through the server the node opened the file with
     * (AUTO_SERVER). Use it only while the node runs: opened with no node running, the test's JVM would
     * become the file's server itself.
     */
    public JdbcClient embeddedSql() {
        String url = "jdbc:h2:file:" + dataDir.resolve("vendpay")
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;AUTO_SERVER=TRUE";
        return JdbcClient.create(new DriverManagerDataSource(url, "sa", ""));
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
