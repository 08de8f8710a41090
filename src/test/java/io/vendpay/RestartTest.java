package io.vendpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;

import io.vendpay.fleet.MachineLink;
import io.vendpay.sandbox.PaymentSandbox;
import io.vendpay.testing.Platform;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Timers survive restarts: a platform is stopped with work waiting in every timer (a payment to
 * find by query, an order to expire, a command to re-send to a machine that was offline, a refund
 * to retry), and a new platform on the same database, data directory and ports finishes all of it.
 */
class RestartTest {

    @Test
    void aRestartInTheMiddleOfEveryTimerLosesNothing() throws Exception {
        String db = "vp_restart_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        TestStores.exec("CREATE DATABASE " + db);
        String dataDir = Files.createTempDirectory("vendpay-restart").toString();
        String[] props = {
                "--spring.datasource.url=" + TestStores.MARIADB_ROOT + db, "--spring.datasource.username=root",
                "--spring.datasource.password=", "--vendpay.data-dir=" + dataDir,
                "--server.port=" + TestStores.freePort(), "--vendpay.sandbox.port=" + TestStores.freePort(),
                "--vendpay.mqtt.url=tcp://127.0.0.1:" + TestStores.freePort(), "--vendpay.mqtt.embedded-broker=true",
                "--vendpay.mqtt.client-id=vendpay-restart", "--vendpay.sim.enabled=false",
                "--vendpay.sandbox.time-scale=0.01", "--vendpay.sandbox.refund-delay=200ms",
                "--vendpay.dispense.resend-after=1s", "--vendpay.dispense.unknown-after=60s",
                "--vendpay.payment.query-after=3s", "--vendpay.payment.refund-query-after=1s"};
        String queried, expiring, offline, refunding;
        String offlineSecret;
        try {
            try (var a = start(props)) {
                Platform p = platform(a);
                try (var m = TestMachine.provision(p, 10)) {
                    // 1. paid, the notification lost: only the query timer can find it
                    JsonNode q = m.newOrder();
                    queried = q.path("orderNo").asString();
                    p.sandbox.pay(q.path("qrCode").asString(), null, false);
                    // 2. unpaid: only the expiry timer can end it
                    expiring = m.newOrder().path("orderNo").asString();
                }
                // 3. paid while its machine is offline: only the re-send timer delivers the command
                var offlineMachine = TestMachine.provision(p, 10);
                offlineSecret = offlineMachine.secret;
                offlineMachine.close();
                JsonNode o = offlineMachine.newOrder();
                offline = o.path("orderNo").asString();
                p.pay(o);
                p.awaitStatus(offline, "DISPENSING", Duration.ofSeconds(10));
                // 4. failed vend whose refund the channel keeps refusing: only the refund timer retries it
                try (var f = TestMachine.provision(p, 10)) {
                    p.sandbox.faults().failRefundRequests(1_000);
                    JsonNode r = f.newOrder();
                    refunding = r.path("orderNo").asString();
                    p.pay(r);
                    f.answer(f.nextCommand(10), false, "MOTOR_JAM");
                    p.awaitStatus(refunding, "REFUNDING", Duration.ofSeconds(10));
                }
                assertThat(p.status(queried)).isEqualTo("CREATED");
            }

            var sql = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(
                    TestStores.MARIADB_ROOT + db, "root", ""));
            long past = System.currentTimeMillis() - 1;    // the expiring order's two minutes pass while we are down
            sql.sql("UPDATE orders SET expires_at = ?, due_at = ? WHERE order_no = ?").params(past, past, expiring).update();

            try (var b = start(props)) {
                Platform p = platform(b);
                try (var back = TestMachine.reconnect(p, offlineMachine(p, offline), offlineSecret)) {
                    JsonNode command = back.nextCommand(15);
                    assertThat(command).as("re-sent after the restart").isNotNull();
                    assertThat(command.path("orderNo").asString()).isEqualTo(offline);
                    back.answer(command, true, null);
                }
                p.awaitStatus(offline, "DISPENSED", Duration.ofSeconds(20));
                p.awaitStatus(expiring, "CLOSED", Duration.ofSeconds(20));
                p.awaitStatus(refunding, "REFUNDED", Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(20)).until(() -> !p.status(queried).equals("CREATED"));
                assertThat(p.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ? AND source = 'QUERY'", queried))
                        .isEqualTo(1);
                assertThat(p.sandbox.refundRequests()).containsEntry("R" + refunding, 1);
            }
        } finally {
            TestStores.exec("DROP DATABASE IF EXISTS " + db);
        }
    }

    private static String offlineMachine(Platform p, String orderNo) {
        return p.sql.sql("SELECT device_id FROM orders WHERE order_no = ?").param(orderNo).query(String.class).single();
    }

    private static ConfigurableApplicationContext start(String[] args) {
        return new SpringApplicationBuilder(VendpayApplication.class).run(args);
    }

    /** The started node's platform, once its MQTT link is back (a machine's result must find it listening). */
    private static Platform platform(ConfigurableApplicationContext ctx) {
        var env = ctx.getEnvironment();
        Platform.awaitLinkUp(ctx.getBean(MachineLink.class), env.getProperty("vendpay.mqtt.url"));
        int port = ((org.springframework.boot.web.server.context.WebServerApplicationContext) ctx).getWebServer().getPort();
        return new Platform(port, env.getProperty("vendpay.admin.token"), env.getProperty("vendpay.mqtt.url"),
                ctx.getBean(PaymentSandbox.class), ctx.getBean(JdbcClient.class));
    }
}
