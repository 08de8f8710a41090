package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Fault: two nodes share one MariaDB and one Mosquitto (shared subscription, own node ids and client
 * ids); notifications and machine events are spread over both, and one node is killed with SIGKILL in
 * the middle of the rush. The survivor finishes every order the dead one had acknowledged or begun,
 * and the two nodes' timers, running side by side until the kill, never doubled a command or a refund.
 */
class NodeLostIT {

    private static final int MACHINES = 3;
    private static final int ORDERS_PER_MACHINE = 16;

    @Test
    void theSurvivorFinishesEveryOrderAndNothingIsDoubled() throws Exception {
        String db = "vp_lost_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        TestStores.exec("CREATE DATABASE " + db);
        String url = TestStores.MARIADB_ROOT + db;
        Path dirA = Files.createTempDirectory("vendpay-node-a-");
        Path dirB = Files.createTempDirectory("vendpay-node-b-");
        // both nodes are one merchant: B gets A's sandbox keys, as two real nodes share one configuration
        var wechat = new WechatNotifications(dirA.toString());
        copyTree(dirA.resolve("sandbox"), dirB.resolve("sandbox"));
        try (var broker = MosquittoProcess.create().start();
                var a = ServerProcess.node("node-a", dirA, url, broker.port, cluster(0, "vendpay-node-a"));
                var b = ServerProcess.node("node-b", dirB, url, broker.port, cluster(1, "vendpay-node-b"))) {
            a.start();
            b.start();
            var sql = JdbcClient.create(new DriverManagerDataSource(url, "root", ""));
            Platform pa = a.platform(sql);
            Platform pb = b.platform(sql);
            var machines = new java.util.ArrayList<DispensingMachine>();
            try {
                var orders = new java.util.ArrayList<String>();
                var ordersOf = new java.util.HashMap<DispensingMachine, List<String>>();
                for (int i = 0; i < MACHINES; i++) {
                    var m = DispensingMachine.provision(i % 2 == 0 ? pa : pb, ORDERS_PER_MACHINE + 10);
                    machines.add(m);
                    ordersOf.put(m, BrokerKilledIT.newOrders(m, ORDERS_PER_MACHINE));
                    orders.addAll(ordersOf.get(m));
                }
                java.util.Collections.shuffle(orders, new java.util.Random(7));
                // spread over both nodes; the moment a third is acknowledged, A dies; WeChat's retries then reach B
                FaultChecks.notifyUntilAcknowledged(wechat, orders, n -> n % 2 == 0 && a.alive() ? pa : pb, answered -> {
                    if (answered == orders.size() / 3) {
                        a.kill();
                    }
                });
                assertThat(a.alive()).isFalse();
                long allAcknowledged = System.nanoTime();
                try {
                    for (var m : machines) {
                        FaultChecks.assertDispensedOnce(pb, m, ordersOf.get(m), Duration.ofSeconds(60));
                    }
                    System.out.printf("node-lost: %d orders, node A killed after %d acknowledged; the survivor had all dispensed "
                            + "%d ms after the last notification was acknowledged%n", orders.size(), orders.size() / 3,
                            (System.nanoTime() - allAcknowledged) / 1_000_000);
                    assertThat(pb.count("SELECT COUNT(*) FROM orders WHERE status <> 'DISPENSED'")).isZero();
                    assertThat(pb.count("SELECT COUNT(*) FROM refund")).isZero();
                    FaultChecks.assertAuditClean(pb);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n---- node A log (tail)\n" + a.logTail(40)
                            + "\n---- node B log (tail)\n" + b.logTail(60), e);
                }
            } finally {
                machines.forEach(DispensingMachine::close);
            }
        } finally {
            TestStores.exec("DROP DATABASE IF EXISTS " + db);
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static Map<String, String> cluster(int nodeId, String clientId) {
        return Map.of("vendpay.mqtt.embedded-broker", "false", "vendpay.mqtt.shared-group", "vendpay",
                "vendpay.node-id", Integer.toString(nodeId), "vendpay.mqtt.client-id", clientId);
    }
}
