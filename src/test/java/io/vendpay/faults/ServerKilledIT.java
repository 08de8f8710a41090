package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.vendpay.testing.DispensingMachine;
import io.vendpay.testing.Platform;
import io.vendpay.testing.ServerProcess;
import io.vendpay.testing.TestStores;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;

/**
 * Fault: {@code kill -9} of the server the instant it has answered the last of a burst of payment
 * notifications, then a restart on the same data. What it answered 201 or 200 it must keep: every
 * order still exists, every acknowledged payment is dispensed exactly once (one cmdId, one vend),
 * nothing is refunded, the audit is clean. On the embedded default (H2 and the embedded broker, the
 * one-command start) and on MariaDB.
 */
class ServerKilledIT {

    private static final int ORDERS = 40;
    private static final int PAID = 30;

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "mariadb"})
    void everyAcknowledgedPaymentIsDispensedExactlyOnceAfterAKill9(String store) throws Exception {
        Path dataDir = Files.createTempDirectory("vendpay-killed-");
        String url = null;
        String db = null;
        if (store.equals("mariadb")) {
            db = "vp_killed_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
            TestStores.exec("CREATE DATABASE " + db);
            url = TestStores.MARIADB_ROOT + db;
        }
        // the sandbox merchant exists before the first start, so the test signs notifications as "WeChat" with its keys
        var wechat = new WechatNotifications(dataDir.toString());
        var node = ServerProcess.node("killed-" + store, dataDir, url, TestStores.freePort(), Map.of());
        try (node) {
            node.start();
            JdbcClient sql = url == null ? node.embeddedSql() : JdbcClient.create(new DriverManagerDataSource(url, "root", ""));
            Platform p = node.platform(sql);
            try (var machine = DispensingMachine.provision(p, ORDERS + 10)) {
                List<JsonNode> orders = new ArrayList<>();
                for (int i = 0; i < ORDERS; i++) {
                    orders.add(machine.http().newOrder());
                }
                List<String> paid = orders.subList(0, PAID).stream().map(o -> o.path("orderNo").asString()).toList();

                // SIGKILL the moment the last 200 arrives, while the processing of the latest ones is in flight
                FaultChecks.notifyUntilAcknowledged(wechat, paid, n -> p, answered -> {
                    if (answered == PAID) {
                        node.kill();
                    }
                });
                assertThat(node.alive()).isFalse();
                long killed = System.nanoTime();

                node.start();
                long up = System.nanoTime();
                machine.reconnect(p);
                try {
                    FaultChecks.assertDispensedOnce(p, machine, paid, Duration.ofSeconds(60));
                    System.out.printf("server-killed on %s: restarted in %d ms; all %d acknowledged payments dispensed %d ms "
                            + "after it was up%n", store, (up - killed) / 1_000_000, PAID, (System.nanoTime() - up) / 1_000_000);
                    for (JsonNode o : orders) {
                        String orderNo = o.path("orderNo").asString();
                        assertThat(p.count("SELECT COUNT(*) FROM orders WHERE order_no = ?", orderNo))
                                .as("order %s answered 201 before the kill still exists", orderNo).isEqualTo(1);
                    }
                    assertThat(p.count("SELECT COUNT(*) FROM refund")).as("refunds").isZero();
                    FaultChecks.assertAuditClean(p);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n---- server log (tail)\n" + node.logTail(80), e);
                }
            }
        } finally {
            if (db != null) {
                TestStores.exec("DROP DATABASE IF EXISTS " + db);
            }
        }
    }
}
