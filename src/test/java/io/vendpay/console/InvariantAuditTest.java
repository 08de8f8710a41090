package io.vendpay.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;

/** The audit can fail: each planted violation of contract section 3 is counted, and a clean run counts nothing. */
@OnMariaDb
class InvariantAuditTest extends PlatformTest {

    @Test
    void aCleanSaleAuditsClean() {
        try (var machine = TestMachine.provision(platform, 5)) {
            long from = System.currentTimeMillis();
            String orderNo = platform.sell(machine, "WECHAT");
            Map<String, Long> audit = audit(from, List.of(orderNo));
            assertThat(audit).containsOnlyKeys("double_dispense", "refund_after_dispense", "paid_unsettled",
                    "lost_notifications", "amount_mismatch_dispensed", "stuck_orders");
            assertThat(audit.values()).containsOnly(0L);
        }
    }

    @Test
    void aPlantedDoubleDispenseIsFound() {
        try (var machine = TestMachine.provision(platform, 5)) {
            long from = System.currentTimeMillis();
            String orderNo = platform.sell(machine, "WECHAT");
            platform.sql.sql("INSERT INTO order_event (order_no, occurred_at, type, from_status, to_status) VALUES (?, ?, 'DISPENSE_OK', 'DISPENSING', 'DISPENSED')")
                    .params(orderNo, System.currentTimeMillis()).update();
            assertThat(audit(from, List.of())).containsEntry("double_dispense", 1L);
        }
    }

    @Test
    void aPlantedRefundAfterDispenseIsFound() {
        try (var machine = TestMachine.provision(platform, 5)) {
            long from = System.currentTimeMillis();
            String orderNo = platform.sell(machine, "WECHAT");
            platform.sql.sql("""
                    INSERT INTO refund (out_refund_no, order_no, channel, channel_txn_id, total_fen, refund_fen, reason, status,
                        attempts, created_at, updated_at) VALUES (?, ?, 'WECHAT', 'T', 350, 350, 'planted', 'PENDING', 0, ?, ?)""")
                    .params("R" + orderNo, orderNo, System.currentTimeMillis(), System.currentTimeMillis()).update();
            assertThat(audit(from, List.of())).containsEntry("refund_after_dispense", 1L);
        }
    }

    @Test
    void aPaymentTheChannelConfirmedButVendpayNeverRecordedIsALostNotification() {
        try (var machine = TestMachine.provision(platform, 5)) {
            long from = System.currentTimeMillis();
            String unpaid = machine.newOrder().path("orderNo").asString();
            assertThat(audit(from, List.of(unpaid))).containsEntry("lost_notifications", 1L);
        }
    }

    @Test
    void aPaidOrderLeftUnsettledAndADispensedMismatchAreFound() {
        try (var machine = TestMachine.provision(platform, 5)) {
            long from = System.currentTimeMillis();
            String orderNo = platform.sell(machine, "WECHAT");
            platform.sql.sql("UPDATE orders SET paid_amount_fen = 1 WHERE order_no = ?").param(orderNo).update();
            String stuck = machine.newOrder().path("orderNo").asString();
            platform.sql.sql("UPDATE orders SET status = 'PAID', channel_txn_id = 'T2', paid_amount_fen = 350, updated_at = 0 WHERE order_no = ?")
                    .param(stuck).update();
            var audit = audit(from, List.of());
            assertThat(audit).containsEntry("amount_mismatch_dispensed", 1L).containsEntry("paid_unsettled", 1L)
                    .containsEntry("stuck_orders", 1L);
        }
    }

    private Map<String, Long> audit(long from, List<String> paidAtChannel) {
        // the window is this test's own: other tests of the shared store plant orders with synthetic times
        String body = "{\"from\":" + from + ",\"to\":" + System.currentTimeMillis() + ",\"paidAtChannel\":"
                + Json.write(paidAtChannel) + ",\"stuckAfterMs\":60000}";
        var r = platform.admin("POST", "/api/v1/admin/audit", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        var audit = new java.util.LinkedHashMap<String, Long>();
        Json.read(r.body()).properties().forEach(e -> audit.put(e.getKey(), e.getValue().asLong()));
        return audit;
    }
}
