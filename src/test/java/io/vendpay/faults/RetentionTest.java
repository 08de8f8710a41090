package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The tables that grow with every order (order_event, payment_notification, dispense_command) are
 * trimmed to their retention, oldest first, in batches; what is younger stays, an operator case stays,
 * and the orders themselves (the system of record) stay.
 */
@OnMariaDb
@TestPropertySource(properties = {"vendpay.retention.every=1s", "vendpay.retention.first-after=1s",
        "vendpay.retention.order-events=1d", "vendpay.retention.notifications=1d", "vendpay.retention.dispense-commands=1d"})
class RetentionTest extends PlatformTest {

    private static final long TWO_DAYS = Duration.ofDays(2).toMillis();

    @Test
    void rowsOlderThanTheirRetentionGoYoungerOnesAndCasesStay() {
        long old = System.currentTimeMillis() - TWO_DAYS;
        // an operator case from two days ago (a poison notification): stays until resolved
        platform.sql.sql("""
                INSERT INTO payment_notification (channel, transaction_id, event_type, out_trade_no, source, payload,
                    received_at, processed_at, outcome, attempts)
                VALUES ('WECHAT', 'case-txn', 'TRANSACTION.SUCCESS', 'case-order', 'NOTIFY', '{}', ?, ?, 'POISON', 5)""")
                .params(old, old).update();
        try (var machine = TestMachine.provision(platform, 5)) {
            String aged = platform.sell(machine, "WECHAT");
            String young = platform.sell(machine, "WECHAT");
            platform.sql.sql("UPDATE order_event SET occurred_at = occurred_at - ? WHERE order_no = ?").params(TWO_DAYS, aged).update();
            platform.sql.sql("UPDATE payment_notification SET received_at = received_at - ? WHERE out_trade_no = ?").params(TWO_DAYS, aged).update();
            platform.sql.sql("UPDATE dispense_command SET created_at = created_at - ? WHERE order_no = ?").params(TWO_DAYS, aged).update();

            await("the aged order's events, notification and command removed\n" + platform.story(aged))
                    .atMost(Duration.ofSeconds(20)).until(() ->
                            platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ?", aged) == 0
                                    && platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ?", aged) == 0
                                    && platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ?", aged) == 0);
            assertThat(platform.status(aged)).as("the order itself is kept").isEqualTo("DISPENSED");
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ?", young)).as(platform.story(young)).isGreaterThan(2);
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ?", young)).isEqualTo(1);
            assertThat(platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ?", young)).isEqualTo(1);
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = 'case-order'")).isEqualTo(1);
        }
    }
}
