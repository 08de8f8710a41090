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
import io.vendpay.testing.MosquittoProcess;
import io.vendpay.testing.Platform;
import io.vendpay.testing.ServerProcess;
import io.vendpay.testing.TestStores;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Fault: the broker (a real Mosquitto with persistence) is killed with SIGKILL while orders are
 * being paid, stays down, and comes back. Payments are acknowledged all the while (a notification
 * never waits on the broker); once it is back, every paid order is dispensed under the cmdId it
 * was given first, exactly once, with no operator action.
 */
class BrokerKilledIT {

    private static final int BEFORE = 5;
    private static final int DURING = 20;

    @Test
    void paymentsAreAcknowledgedWhileTheBrokerIsDownAndDispensedOnceItIsBack() throws Exception {
        Path dataDir = Files.createTempDirectory("vendpay-broker-killed-");
        String db = "vp_brk_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        TestStores.exec("CREATE DATABASE " + db);
        String url = TestStores.MARIADB_ROOT + db;
        var wechat = new WechatNotifications(dataDir.toString());
        try (var broker = MosquittoProcess.create().start();
                var node = ServerProcess.node("broker-killed", dataDir, url, broker.port,
                        Map.of("vendpay.mqtt.embedded-broker", "false"))) {
            node.start();
            Platform p = node.platform(JdbcClient.create(new DriverManagerDataSource(url, "root", "")));
            try (var machine = DispensingMachine.provision(p, BEFORE + DURING + 10)) {
                List<String> before = newOrders(machine, BEFORE);
                FaultChecks.notifyUntilAcknowledged(wechat, before, n -> p, answered -> { });
                FaultChecks.assertDispensedOnce(p, machine, before, Duration.ofSeconds(30));

                List<String> during = newOrders(machine, DURING);
                // the first half paid just before the kill, so their commands are on their way through the broker
                FaultChecks.notifyUntilAcknowledged(wechat, during.subList(0, DURING / 2), n -> p, answered -> { });
                broker.kill();
                long down = System.nanoTime();
                FaultChecks.notifyUntilAcknowledged(wechat, during.subList(DURING / 2, DURING), n -> p, answered -> { });
                long acknowledgedWhileDown = (System.nanoTime() - down) / 1_000_000;

                broker.start();
                long back = System.nanoTime();
                machine.reconnect(p);
                try {
                    FaultChecks.assertDispensedOnce(p, machine, during, Duration.ofSeconds(60));
                    long settled = (System.nanoTime() - back) / 1_000_000;
                    FaultChecks.assertAuditClean(p);
                    System.out.printf("broker-killed: %d payments acknowledged in %d ms with the broker down; "
                            + "all %d dispensed %d ms after it came back%n", DURING / 2, acknowledgedWhileDown, DURING, settled);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n---- server log (tail)\n" + node.logTail(80)
                            + "\n---- broker log (tail)\n" + broker.logTail(), e);
                }
            }
        } finally {
            TestStores.exec("DROP DATABASE IF EXISTS " + db);
        }
    }

    static List<String> newOrders(DispensingMachine machine, int n) {
        List<String> orderNos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            orderNos.add(machine.http().newOrder().path("orderNo").asString());
        }
        assertThat(orderNos).doesNotHaveDuplicates();
        return orderNos;
    }
}
