package io.vendpay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto ({@code /usr/sbin/mosquitto}) as a child process on its own port, with persistence
 * on, for the fault tests that kill the broker or share one between several vendpay nodes. The same
 * configuration and data directory are used on every start, so a restart finds what the broker saved.
 * Anonymous access: the topic rules are tested on the embedded broker (BrokerAccessTest); what these
 * tests are about is a broker that goes away and comes back.
 */
public final class MosquittoProcess implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    public final int port;
    private final Path dir;
    private final Path config;
    private final Path log;
    private Process process;

    private MosquittoProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
    }

    /** A broker on a free port with its persistence in a new directory; not started yet. */
    public static MosquittoProcess create() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install the mosquitto package (.ci/run does)");
        }
        try {
            var m = new MosquittoProcess(TestStores.freePort(), Files.createTempDirectory("vendpay-mosquitto-"));
            // user root: run as the user the tests run as (mosquitto would switch to its own user, who cannot write here)
            Files.writeString(m.config, String.join("\n",
                    "listener " + m.port + " 127.0.0.1",
                    "allow_anonymous true",
                    "persistence true",
                    "persistence_location " + m.dir + "/",
                    "autosave_interval 1",
                    "max_queued_messages 10000",
                    "user " + System.getProperty("user.name"),
                    "log_dest stdout",
                    "log_type error", "log_type warning", "log_type notice", ""));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the broker and returns once it accepts connections. */
    public MosquittoProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("mosquitto on " + port + " is already running");
        }
        try {
            Files.writeString(log, "==== start\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(List.of(BINARY.toString(), "-c", config.toString())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ":\n" + logTail());
            }
            try (var s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return this;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);       // a process starting: no event to wait on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port + " within 20 s:\n" + logTail());
    }

    /** SIGKILL: the broker saves nothing more and every connection drops at once. */
    public void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String logTail() {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
