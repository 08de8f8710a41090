package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.vendpay.testing.DispensingMachine;
import io.vendpay.testing.MosquittoProcess;
import io.vendpay.testing.Platform;
import io.vendpay.testing.ServerProcess;
import io.vendpay.testing.TestStores;
import io.vendpay.sandbox.PaymentSandbox;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;

/**
 * Fault: two nodes share one MariaDB and one Mosquitto (shared subscription, own node ids and client
 * ids); notifications and machine events are spread over both, and one node is killed with SIGKILL in
 * the middle of the rush. One channel stand-in serves both, as WeChat does. The survivor finishes every
 * order the dead one had acknowledged or begun: dispensed, or refunded once where the machine's motor
 * jammed (every fourth vend); and the two nodes' timers, running side by side until the kill, never
 * doubled a command, a refund or an expiry.
 */
class NodeLostIT {

    private static final int MACHINES = 3;
    private static final int ORDERS_PER_MACHINE = 16;
    private static final int UNPAID_PER_MACHINE = 2;
    private static final int JAM_EVERY = 4;
    private static final Set<String> FINAL = Set.of("DISPENSED", "REFUNDED");

    @Test
    void theSurvivorFinishesEveryOrderAndNothingIsDoubled() throws Exception {
        String db = "vp_lost_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        TestStores.exec("CREATE DATABASE " + db);
        String url = TestStores.MARIADB_ROOT + db;
        Path dirA = Files.createTempDirectory("vendpay-node-a-");
        Path dirB = Files.createTempDirectory("vendpay-node-b-");
        Path dirChannel = Files.createTempDirectory("vendpay-channel-");
        // one channel for both nodes, as WeChat is: it knows every payment, so a refund either node asks for is honoured
        PaymentSandbox channel = PaymentSandbox.standalone(dirChannel, TestStores.freePort(), 0.01);
        Map<String, String> channelSettings = PaymentSandbox.channelProperties(channel, dirChannel);
        try (var broker = MosquittoProcess.create().start();
                var a = ServerProcess.node("node-a", dirA, url, broker.port, cluster(0, "vendpay-node-a", channelSettings));
                var b = ServerProcess.node("node-b", dirB, url, broker.port, cluster(1, "vendpay-node-b", channelSettings))) {
            a.start();
            b.start();
            var sql = JdbcClient.create(new DriverManagerDataSource(url, "root", ""));
            Platform pa = a.platform(sql);
            Platform pb = b.platform(sql);
            var machines = new java.util.ArrayList<DispensingMachine>();
            try {
                var orders = new java.util.ArrayList<String>();
                var unpaid = new java.util.ArrayList<String>();
                var ordersOf = new java.util.HashMap<DispensingMachine, List<String>>();
                for (int i = 0; i < MACHINES; i++) {
                    Platform creator = i % 2 == 0 ? pa : pb;
                    var m = DispensingMachine.provisionJamming(creator, ORDERS_PER_MACHINE + UNPAID_PER_MACHINE + 10, JAM_EVERY);
                    machines.add(m);
                    var mine = new java.util.ArrayList<String>();
                    for (int k = 0; k < ORDERS_PER_MACHINE; k++) {
                        JsonNode o = m.http().newOrder();
                        channel.pay(o.path("qrCode").asString(), null, false);     // paid; the notification is ours to deliver
                        mine.add(o.path("orderNo").asString());
                    }
                    for (int k = 0; k < UNPAID_PER_MACHINE; k++) {
                        unpaid.add(m.http().newOrder().path("orderNo").asString());
                    }
                    ordersOf.put(m, mine);
                    orders.addAll(mine);
                }
                java.util.Collections.shuffle(orders, new java.util.Random(7));
                unpaid.forEach(pb::expireNow);      // both nodes' timers race to expire them
                // spread over both nodes; the moment a third is acknowledged, A dies; WeChat's retries then reach B
                FaultChecks.notifyUntilAcknowledged(orderNo -> {
                    var n = channel.paymentNotification(orderNo).orElseThrow();
                    return new FaultChecks.Notice(n.headers(), n.body());
                }, orders, n -> n % 2 == 0 && a.alive() ? pa : pb, answered -> {
                    if (answered == orders.size() / 3) {
                        a.kill();
                    }
                }, delivery -> { });
                assertThat(a.alive()).isFalse();
                long allAcknowledged = System.nanoTime();
                try {
                    for (String o : orders) {
                        await("order " + o + " settled by the survivor\n" + pb.story(o)).atMost(Duration.ofSeconds(60))
                                .until(() -> FINAL.contains(pb.status(o)));
                    }
                    long settledMs = (System.nanoTime() - allAcknowledged) / 1_000_000;
                    int jammed = 0;
                    for (var m : machines) {
                        Set<String> failed = m.jammedOrders();
                        jammed += failed.size();
                        FaultChecks.assertDispensedOnce(pb, m, ordersOf.get(m).stream().filter(o -> !failed.contains(o)).toList(),
                                Duration.ofSeconds(5));
                        for (String o : failed) {
                            assertThat(pb.status(o)).as(pb.story(o)).isEqualTo("REFUNDED");
                            assertThat(m.cmdIdsOf(o)).as("cmdIds of %s", o).hasSize(1);
                            assertThat(pb.count("SELECT COUNT(*) FROM refund WHERE order_no = ? AND status = 'SUCCEEDED'", o))
                                    .as("one refund of %s\n%s", o, pb.story(o)).isEqualTo(1);
                        }
                    }
                    assertThat(jammed).as("vends that failed").isGreaterThan(0);
                    assertThat(pb.count("SELECT COUNT(*) FROM refund")).as("refunds, one per failed vend").isEqualTo(jammed);
                    assertThat(channel.refundRequests()).as("refunds the channel was asked for").hasSize(jammed);
                    for (String o : unpaid) {
                        // one A had claimed when it died waits out the claim (20 s)
                        await("unpaid order " + o + " expired\n" + pb.story(o)).atMost(Duration.ofSeconds(60))
                                .until(() -> pb.status(o).equals("CLOSED"));
                        assertThat(pb.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'EXPIRE'", o))
                                .as("expired once\n%s", pb.story(o)).isEqualTo(1);
                    }
                    System.out.printf("node-lost: %d paid orders (%d vends failed, refunded) and %d expiring, node A killed after %d"
                            + " acknowledged; the survivor had all settled %d ms after the last notification was acknowledged%n",
                            orders.size(), jammed, unpaid.size(), orders.size() / 3, settledMs);
                    FaultChecks.assertAuditClean(pb);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n---- node A log (tail)\n" + a.logTail(40)
                            + "\n---- node B log (tail)\n" + b.logTail(60), e);
                }
            } finally {
                machines.forEach(DispensingMachine::close);
            }
        } finally {
            if (channel instanceof AutoCloseable closeable) {
                closeable.close();
            }
            TestStores.exec("DROP DATABASE IF EXISTS " + db);
        }
    }

    private static Map<String, String> cluster(int nodeId, String clientId, Map<String, String> channel) {
        var p = new java.util.LinkedHashMap<>(channel);
        p.putAll(Map.of("vendpay.mqtt.embedded-broker", "false", "vendpay.mqtt.shared-group", "vendpay",
                "vendpay.node-id", Integer.toString(nodeId), "vendpay.mqtt.client-id", clientId));
        return p;
    }
}
