package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.payment.PaymentConfirmed;
import io.vendpay.testing.DispensingMachine;
import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Fault: a stored notification whose processing always fails (here a listener that throws for one
 * order, as a defect would). It is tried {@code max-attempts} times, never more, while the payments
 * around it are dispensed as usual; then it is an operator case with an alert and a line in its
 * order's timeline; once the cause is gone, the operator's retry applies it, once.
 */
@OnMariaDb
@Import(PoisonNotificationTest.Poisoner.class)
@TestPropertySource(properties = "vendpay.payment.max-attempts=3")
class PoisonNotificationTest extends PlatformTest {

    static final Set<String> POISONED = ConcurrentHashMap.newKeySet();
    static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @TestConfiguration
    static class Poisoner {
        @EventListener
        void on(PaymentConfirmed p) {
            if (POISONED.contains(p.orderNo())) {
                ATTEMPTS.incrementAndGet();
                throw new IllegalStateException("poisoned by the test: " + p.orderNo());
            }
        }
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void aPoisonNotificationIsTriedABoundedNumberOfTimesThenAnOperatorCaseAndBlocksNoOther() {
        long start = System.currentTimeMillis() - 1;
        double alertsBefore = alerts();
        try (var machine = DispensingMachine.provision(platform, 10)) {
            JsonNode poison = machine.http().newOrder();
            String poisonNo = poison.path("orderNo").asString();
            POISONED.add(poisonNo);
            List<String> others = new ArrayList<>();
            platform.pay(poison);
            for (int i = 0; i < 5; i++) {
                JsonNode o = machine.http().newOrder();
                others.add(o.path("orderNo").asString());
                platform.pay(o);
            }
            for (String o : others) {
                platform.awaitStatus(o, "DISPENSED", Duration.ofSeconds(20));
            }

            JsonNode c = await("the poison notification of " + poisonNo + " becomes an operator case")
                    .atMost(Duration.ofSeconds(30)).until(() -> firstCase(), found -> found != null);
            assertThat(c.path("outTradeNo").asString()).as(platform.story(poisonNo)).isEqualTo(poisonNo);
            assertThat(c.path("attempts").asInt()).isEqualTo(3);
            assertThat(c.path("lastError").asString()).contains("poisoned by the test");
            assertThat(alerts()).isEqualTo(alertsBefore + 1);
            // bounded: no further attempt once it is a case (the sweep runs every 2 s)
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() -> ATTEMPTS.get() == 3);
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'NOTIFICATION_POISON'", poisonNo))
                    .as(platform.story(poisonNo)).isEqualTo(1);
            assertThat(platform.status(poisonNo)).as("not applied while it is a case").isEqualTo("CREATED");

            // the cause is fixed; the operator retries: the payment is applied, once
            POISONED.remove(poisonNo);
            long id = c.path("id").asLong();
            var retried = platform.admin("POST", "/api/v1/admin/notifications/" + id + "/retry", "");
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
            platform.awaitStatus(poisonNo, "DISPENSED", Duration.ofSeconds(20));
            var again = platform.admin("POST", "/api/v1/admin/notifications/" + id + "/retry", "");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(404);
            assertThat(Json.read(again.body()).path("message").asString()).contains("GET /api/v1/admin/notifications/cases");
            assertThat(firstCase()).isNull();
            assertThat(machine.cmdIdsOf(poisonNo)).hasSize(1);
            FaultChecks.assertAuditClean(platform, start);
        } finally {
            POISONED.clear();
        }
    }

    private JsonNode firstCase() {
        var r = platform.admin("GET", "/api/v1/admin/notifications/cases", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode cases = Json.read(r.body()).path("cases");
        return cases.isEmpty() ? null : cases.get(0);
    }

    private double alerts() {
        var c = meters.find("vendpay_alerts").tag("kind", "POISON_NOTIFICATION").counter();
        return c == null ? 0 : c.count();
    }
}
