package io.vendpay.testing;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

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

    private TestStores() {
    }

    public static final class MariaDb implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            String db = "vp_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            exec("CREATE DATABASE " + db);
            ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testStore", Map.of(
                    "spring.datasource.url", MARIADB_ROOT + db + "?useBulkStmts=true",
                    "spring.datasource.username", "root",
                    "spring.datasource.password", "",
                    "vendpay.mqtt.url", "tcp://127.0.0.1:" + freePort())));
            ctx.addApplicationListener(event -> {
                if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == ctx) {
                    exec("DROP DATABASE IF EXISTS " + db);
                }
            });
        }
    }

    public static final class H2 implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
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
