package io.vendpay.bench.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.vendpay.shared.LocalPorts;
import io.vendpay.sandbox.PaymentSandbox;

/**
 * A vendpay server the bench starts itself: a child JVM from the same jar, heap capped at 512 MB,
 * on H2 in a fresh data directory or on a fresh MariaDB database, with Mosquitto when it listens
 * on 127.0.0.1:1883 and the embedded broker otherwise. The payment channels it talks to are a
 * sandbox running in the bench's own process, so their work (RSA signatures above all) is not
 * charged to the server being measured, as WeChat's and Alipay's are not in production.
 */
final class LaunchedServer extends BenchServer {

    /** Timers shortened so a run drains within minutes; documented with the results. */
    static final List<String> TUNING = List.of(
            "--vendpay.ordering.payment-timeout=30s", "--vendpay.payment.query-after=5s",
            "--vendpay.payment.query-before-expiry=5s", "--vendpay.dispense.resend-after=3s",
            "--vendpay.dispense.unknown-after=10s", "--vendpay.payment.refund-query-after=5s",
            // the bench's audit sends every order the channel saw paid (about 25 bytes each): a rush is over the
            // 256 KB an operator request may carry
            "--vendpay.http.admin-body-limit=16MB");
    static final double SANDBOX_TIME_SCALE = 0.02;

    private volatile Process process;
    private final List<String> command;
    /** CPU seconds of the processes killed by {@link #killAndRestart()}, which /proc forgets with them. */
    private double cpuOfKilled;
    private double jitOfKilled;
    private final PaymentSandbox.Standalone sandbox;
    private final String dropDatabase;
    private final Path logFile;
    /** The server's MQTT client id on a broker that outlives the run (Mosquitto), else null. */
    private final String brokerSession;

    private StoreCounters counters = StoreCounters.NONE;
    private boolean closed;

    private LaunchedServer(Process process, List<String> command, PaymentSandbox.Standalone sandbox, String baseUrl, String token, String mqttUrl, String mqttUser,
                           String mqttPassword, String store, String dropDatabase, Path logFile, String brokerSession) {
        super(baseUrl, token, mqttUrl, mqttUser, mqttPassword, store);
        this.process = process;
        this.command = List.copyOf(command);
        this.sandbox = sandbox;
        this.dropDatabase = dropDatabase;
        this.logFile = logFile;
        this.brokerSession = brokerSession;
    }

    static LaunchedServer start(BenchOptions o, String runTag) throws Exception {
        Path jar = ownJar();
        Path dataDir = Files.createTempDirectory("vendpay-bench-" + runTag);
        int port = LocalPorts.free();
        int sandboxPort = LocalPorts.free();
        String token = secret();
        PaymentSandbox.Standalone sandbox = PaymentSandbox.standalone(dataDir, sandboxPort, SANDBOX_TIME_SCALE);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Xms512m", "-XX:+UseG1GC"));
        if (System.getProperty(io.vendpay.shared.NativeCrypto.PROPERTY) != null) { // the server signs with the bench's provider
            cmd.add("-D" + io.vendpay.shared.NativeCrypto.PROPERTY + "=" + System.getProperty(io.vendpay.shared.NativeCrypto.PROPERTY));
        }
        if (o.jfr() != null) {
            cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + o.jfr());
        }
        cmd.addAll(List.of("-jar", jar.toString(),
                "--server.port=" + port, "--vendpay.data-dir=" + dataDir, "--vendpay.admin.token=" + token));
        PaymentSandbox.channelProperties(sandbox, dataDir).forEach((k, v) -> cmd.add("--" + k + "=" + v));
        cmd.addAll(TUNING);
        String dropDatabase = null;
        String store = o.store();
        StoreCounters counters = StoreCounters.NONE;
        if (o.store().equals("mariadb")) {
            String url = o.springProperties().get("spring.datasource.url");
            if (url == null) {
                String db = "vendpay_bench_" + runTag;
                try (var c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "")) {
                    c.createStatement().execute("CREATE DATABASE " + db);
                }
                url = "jdbc:mariadb://127.0.0.1:3306/" + db;
                cmd.add("--spring.datasource.username=root");
                cmd.add("--spring.datasource.password=");
                dropDatabase = db;
            }
            cmd.add("--spring.datasource.url=" + url);
            o.springProperties().forEach((k, v) -> {
                if (!k.equals("spring.datasource.url")) {
                    cmd.add("--" + k + "=" + v);
                }
            });
            store = "mariadb";
            counters = new StoreCounters(url, o.springProperties().getOrDefault("spring.datasource.username", "root"),
                    o.springProperties().getOrDefault("spring.datasource.password", ""));
        }
        String mqttUrl;
        String mqttUser = null;
        String mqttPassword = null;
        String brokerSession = null;
        if (!o.embeddedBroker() && LocalPorts.listening("127.0.0.1", 1883)) {
            mqttUrl = "tcp://127.0.0.1:1883";
            brokerSession = "vendpay-bench-" + runTag;
            cmd.add("--vendpay.mqtt.url=" + mqttUrl);
            cmd.add("--vendpay.mqtt.client-id=" + brokerSession);
        } else {
            mqttUrl = "tcp://127.0.0.1:" + LocalPorts.free();
            mqttUser = "vendpay-bench";
            mqttPassword = secret();
            cmd.addAll(List.of("--vendpay.mqtt.url=" + mqttUrl, "--vendpay.mqtt.embedded-broker=true",
                    "--vendpay.mqtt.simulator-username=" + mqttUser, "--vendpay.mqtt.simulator-password=" + mqttPassword));
        }
        Path log = dataDir.resolve("server.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var server = new LaunchedServer(p, cmd, sandbox, "http://127.0.0.1:" + port, token, mqttUrl, mqttUser, mqttPassword, store,
                dropDatabase, log, brokerSession);
        server.counters = counters;
        server.awaitHealthy(Duration.ofSeconds(120));
        return server;
    }

    /**
     * {@code kill -9} of the server, then the same command again on the same data directory, ports and
     * store; returns once the new process answers its health check. The log goes on in the same file.
     */
    void killAndRestart() throws Exception {
        double cpu = cpuSeconds();
        double jit = jitCpuSeconds();
        process.destroyForcibly();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server did not die within 30 s of SIGKILL");
        }
        if (!Double.isNaN(cpu)) {
            cpuOfKilled = cpu;
        }
        if (!Double.isNaN(jit)) {
            jitOfKilled = jit;
        }
        Files.writeString(logFile, "==== bench --chaos: killed with SIGKILL, starting again\n", java.nio.file.StandardOpenOption.APPEND);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        awaitHealthy(Duration.ofSeconds(120));
    }

    private void awaitHealthy(Duration limit) throws Exception {
        var http = HttpClient.newHttpClient();
        String baseUrl = baseUrl();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + "; see " + logFile);
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(500);
        }
        close();
        throw new IllegalStateException("the server did not become healthy within " + limit.toSeconds() + " s; see " + logFile);
    }

    @Override
    Customers customers() {
        PaymentSandbox s = sandbox;
        return new Customers() {
            @Override
            public String pay(String qrCode, boolean notify, int copies) {
                return s.pay(qrCode, null, notify, copies);
            }

            @Override
            public long deliveryAttempts() {
                return s.deliveries().get("attempts");
            }
        };
    }

    /** utime + stime of the server process, from /proc (Linux), in seconds. */
    @Override
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return cpuOfKilled + (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    StoreCounters storeCounters() {
        return counters;
    }

    /**
     * CPU seconds of the server's JIT compiler threads so far ({@code /proc/<pid>/task/*}, Linux): a fresh JVM
     * spends a large share of its first minutes compiling, a cost a warm production node no longer pays.
     */
    @Override
    double jitCpuSeconds() {
        double total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                } catch (IOException | RuntimeException threadEnded) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return jitOfKilled + total;
    }

    Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        if (closed) {
            return;     // closed early (bench --jfr reads the recording the exit writes) and again at the end
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sandbox.close();
        endBrokerSession();
        if (dropDatabase != null) {
            try (var c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "")) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + dropDatabase);
            } catch (Exception e) {
                System.err.println("bench: could not drop " + dropDatabase + ": " + e.getMessage());
            }
        }
    }

    /**
     * The server keeps a persistent session (commands published while it restarts are not lost); a
     * bench server never comes back, and its session would go on collecting every later run's
     * machine events on the broker (Mosquitto queues 1000, then drops, per dead session). Connecting
     * once with its client id and a clean session ends it.
     */
    private void endBrokerSession() {
        if (brokerSession == null) {
            return;
        }
        try (var c = new org.eclipse.paho.client.mqttv3.MqttClient(mqttUrl(), brokerSession,
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence())) {
            var o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            o.setCleanSession(true);
            o.setUserName("vendpay-platform");
            c.setTimeToWait(5_000);
            c.connect(o);
            c.disconnect();
        } catch (Exception e) {
            System.err.println("bench: could not end the server's broker session " + brokerSession + ": " + e.getMessage());
        }
    }

    static Path ownJar() {
        String cp = System.getProperty("java.class.path");
        if (cp != null && cp.endsWith(".jar") && !cp.contains(java.io.File.pathSeparator)) {
            return Path.of(cp).toAbsolutePath();
        }
        throw new IllegalStateException("to start a server the bench must run from the jar (java -jar target/vendpay.jar bench ...); "
                + "or point it at a running server with --target URL --admin-token T");
    }



    private static String secret() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
