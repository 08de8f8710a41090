package io.vendpay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each test application context its own world: its own embedded MQTT broker on a free
 * port (never 1883, where this machine's Mosquitto runs), and either a fresh MariaDB database
 * on 127.0.0.1:3306 (dropped when the context closes) or H2 in the context's temp data dir.
 */
public final class TestStores {

    public static final String MARIADB_ROOT = "jdbc:mariadb://127.0.0.1:3306/";
    /** Where {@link TestProperties#DATA_DIR} puts each context's data directory. */
    static final Path DATA_DIRS = Path.of(System.getProperty("java.io.tmpdir"), "vendpay-tests");
    private static final Duration KEEP_DATA_DIRS = Duration.ofHours(6);
    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private TestStores() {
    }

    /**
     * A context's data directory (H2 files, broker store, sandbox keys) outlives its context, so a
     * failed test can be looked at; the first context of a run removes those older than six hours,
     * so that runs on a machine that is never wiped (CI's) do not pile them up. Only old ones:
     * another run may be using the young ones.
     */
    static void sweepOldDataDirs() {
        if (!SWEPT.compareAndSet(false, true) || !Files.isDirectory(DATA_DIRS)) {
            return;
        }
        Instant cutoff = Instant.now().minus(KEEP_DATA_DIRS);
        try (Stream<Path> dirs = Files.list(DATA_DIRS)) {
            for (Path dir : dirs.toList()) {
                try {
                    if (Files.getLastModifiedTime(dir).toInstant().isBefore(cutoff)) {
                        deleteTree(dir);
                    }
                } catch (IOException | UncheckedIOException e) {
                    // another run is removing it too, or it is not ours to remove: the tests do not depend on it
                    System.err.println("tests: left " + dir + " (" + e.getMessage() + ")");
                }
            }
        } catch (IOException e) {
            System.err.println("tests: could not list " + DATA_DIRS + " (" + e.getMessage() + ")");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static final class MariaDb implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            freshDatabase(ctx, "vp_test_", db -> MARIADB_ROOT + db, () -> { });
        }
    }

    /**
     * As {@link MariaDb}, but the application reaches its database through a {@link TcpProxy} of this
     * context's own, so that a test can cut the store away and give it back (issue 8). The proxy is a
     * bean of the context; the database is created and dropped directly, not through it.
     */
    public static final class MariaDbThroughProxy implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            var proxy = TcpProxy.to("127.0.0.1", 3306);
            ctx.getBeanFactory().registerSingleton("storeProxy", proxy);
            freshDatabase(ctx, "vp_proxy_", db -> "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/" + db, proxy::close);
        }
    }

    /**
     * A fresh MariaDB database for the context, reached at {@code url.apply(db)}, dropped (then
     * {@code onClose}) when the context closes; the context's own broker port.
     */
    private static void freshDatabase(ConfigurableApplicationContext ctx, String prefix,
                                      java.util.function.Function<String, String> url, Runnable onClose) {
        sweepOldDataDirs();
        String db = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        exec("CREATE DATABASE " + db);
        ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testStore", Map.of(
                "spring.datasource.url", url.apply(db) + "?useBulkStmts=true",
                "spring.datasource.username", "root",
                "spring.datasource.password", "",
                "vendpay.mqtt.url", "tcp://127.0.0.1:" + freePort())));
        ctx.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == ctx) {
                exec("DROP DATABASE IF EXISTS " + db);
                onClose.run();
            }
        });
    }

    public static final class H2 implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            sweepOldDataDirs();
            ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testStore", Map.of(
                    "vendpay.mqtt.url", "tcp://127.0.0.1:" + freePort())));
        }
    }

    public static void exec(String sql) {
        try (var c = DriverManager.getConnection(MARIADB_ROOT, "root", ""); var s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB at 127.0.0.1:3306 (root, no password) is needed for this test: "
                    + e.getMessage(), e);
        }
    }

    public static int freePort() {
        return io.vendpay.shared.LocalPorts.free();
    }
}
