package io.vendpay.reconcile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.reconcile.DiscrepancyKind;
import io.vendpay.shared.Alerts;
import io.vendpay.shared.ChinaTime;
import io.vendpay.sandbox.internal.bills.SyntheticDay;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A day's bill against the day's books, on a real store: given a synthetic day with K discrepancies
 * of each kind planted (orders in the store, the channel's bill on disk), when it is reconciled,
 * then exactly those are found; the same file again changes nothing; a crash between chunks
 * resumes from the checkpoint; a bad file is rejected naming the line and leaves nothing behind.
 * Each test uses a day of its own, far from today's orders of the other tests in this context.
 */
abstract class Reconciliation extends PlatformTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    Reconciler reconciler;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager tx;
    @Autowired
    Alerts alerts;
    @Autowired
    BillPaymentFeeder feeder;

    @TempDir
    Path dir;

    Path syntheticDay(String channel, LocalDate date, long rows, int plant, String file) throws Exception {
        Path bill = dir.resolve(file);
        var made = new SyntheticDay(channel, date, rows, plant).write(dataSource, bill, "1900000109", done -> { });
        assertThat(made.get("rows")).isEqualTo(rows);
        return bill;
    }

    Map<String, Object> reconcile(Reconciler r, PaymentChannel channel, LocalDate date, Path file, Reconciler.Listener listener) {
        return r.run(r.prepare(channel, date, file), new RunProgress(), listener);
    }

    Reconciler withCheckpointEvery(int rows) {
        return new Reconciler(dataSource, platform.sql, tx, new ReconcileProperties(rows, "auto", Duration.ofSeconds(60),
                Duration.ofSeconds(5)), alerts);
    }

    @SuppressWarnings("unchecked")
    static long found(Map<String, Object> report, DiscrepancyKind kind) {
        var diffs = (Map<String, Map<String, Object>>) report.get("differences");
        return ((Number) diffs.get(kind.name()).get("count")).longValue();
    }

    static void assertExactly(Map<String, Object> report, int planted) {
        for (DiscrepancyKind kind : DiscrepancyKind.values()) {
            assertThat(found(report, kind)).as(kind.name()).isEqualTo(planted);
        }
    }

    long linesOf(long importId) {
        return platform.count("SELECT COUNT(*) FROM bill_line WHERE import_id = ?", importId);
    }

    long importId(Map<String, Object> report) {
        return ((Number) report.get("import_id")).longValue();
    }

    @Test
    void everyPlantedDiscrepancyOfAWechatDayIsFoundAndNoneInvented() throws Exception {
        var day = LocalDate.of(2031, 1, 1);
        Path bill = syntheticDay("WECHAT", day, 3000, 3, "wechat.csv.gz");

        var report = reconcile(reconciler, PaymentChannel.WECHAT, day, bill, new Reconciler.Listener() { });

        assertExactly(report, 3);
        assertThat(report.get("rows")).isEqualTo(3000L);
        assertThat(platform.count("SELECT COUNT(*) FROM bill_difference WHERE import_id = ?", importId(report))).isEqualTo(15);
        assertThat(platform.count("SELECT COUNT(*) FROM bill_difference WHERE import_id = ? AND kind = 'AMOUNT_MISMATCH' AND money_fen = 1",
                importId(report))).as("each planted mismatch is one fen").isEqualTo(3);
    }

    @Test
    void everyPlantedDiscrepancyOfAnAlipayDayIsFoundAndNoneInvented() throws Exception {
        var day = LocalDate.of(2031, 1, 2);
        Path bill = syntheticDay("ALIPAY", day, 2000, 2, "alipay.csv");

        var report = reconcile(reconciler, PaymentChannel.ALIPAY, day, bill, new Reconciler.Listener() { });

        assertExactly(report, 2);
    }

    @Test
    void aPaymentOnlyTheBillKnowsGoesThroughTheNotificationPathAndIsRefundedWhenTooLate() throws Exception {
        var day = LocalDate.of(2031, 1, 3);
        Path bill = syntheticDay("WECHAT", day, 1000, 2, "lost.csv");
        var report = reconcile(reconciler, PaymentChannel.WECHAT, day, bill, new Reconciler.Listener() { });
        List<String> lost = platform.sql.sql("SELECT order_no FROM bill_difference WHERE import_id = ? AND kind = 'PAID_NOT_RECORDED'")
                .param(importId(report)).query(String.class).list();
        assertThat(lost).hasSize(2);

        feeder.feedPending();

        for (String orderNo : lost) {
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ? AND source = 'BILL'", orderNo))
                    .isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> List.of("REFUNDING", "REFUNDED").contains(platform.status(orderNo)));
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isEqualTo(1);
        }
        assertThat(platform.count("SELECT COUNT(*) FROM bill_difference WHERE import_id = ? AND resolution = 'FED'", importId(report)))
                .isEqualTo(2);
        feeder.feedPending();
        assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE source = 'BILL' AND out_trade_no IN (?, ?)",
                lost.get(0), lost.get(1))).as("fed once").isEqualTo(2);
    }

    @Test
    void reimportingTheSameFileIsANoOp() throws Exception {
        var day = LocalDate.of(2031, 1, 4);
        Path bill = syntheticDay("WECHAT", day, 1500, 1, "again.csv");
        var first = reconcile(reconciler, PaymentChannel.WECHAT, day, bill, new Reconciler.Listener() { });
        long lines = linesOf(importId(first));
        long diffs = platform.count("SELECT COUNT(*) FROM bill_difference");

        var again = reconcile(reconciler, PaymentChannel.WECHAT, day, bill, new Reconciler.Listener() { });

        assertThat(again.get("already_reconciled")).isEqualTo(true);
        assertThat(importId(again)).isEqualTo(importId(first));
        assertThat(linesOf(importId(first))).isEqualTo(lines);
        assertThat(platform.count("SELECT COUNT(*) FROM bill_difference")).isEqualTo(diffs);
        assertThat(platform.count("SELECT COUNT(*) FROM bill_import WHERE bill_date = ?", day.toString())).isEqualTo(1);
        assertExactly(again, 1);
    }

    @Test
    void aCrashMidImportResumesFromItsCheckpointNotFromZero() throws Exception {
        var day = LocalDate.of(2031, 1, 5);
        Path bill = syntheticDay("WECHAT", day, 2500, 2, "crash.csv.gz");
        var crashing = withCheckpointEvery(1000);

        assertThatThrownBy(() -> reconcile(crashing, PaymentChannel.WECHAT, day, bill, new Reconciler.Listener() {
            @Override
            public void checkpointed(long importId, long lineNo) {
                throw new IllegalStateException("simulated crash after line " + lineNo);
            }
        })).hasMessageContaining("simulated crash");
        long importId = platform.count("SELECT id FROM bill_import WHERE bill_date = ?", day.toString());
        long checkpoint = platform.count("SELECT line_no FROM bill_import WHERE id = ?", importId);
        assertThat(platform.sql.sql("SELECT status FROM bill_import WHERE id = ?").param(importId).query(String.class).single())
                .isEqualTo("LANDING");
        assertThat(linesOf(importId)).as("the first chunk is kept").isEqualTo(1000);
        assertThat(checkpoint).isGreaterThan(1000);

        var report = reconcile(withCheckpointEvery(1000), PaymentChannel.WECHAT, day, bill, new Reconciler.Listener() { });

        assertThat(((Map<?, ?>) report.get("landing")).get("resumed_from_line")).isEqualTo(checkpoint);
        assertThat(((Map<?, ?>) report.get("landing")).get("rows")).isEqualTo(1500L);
        assertThat(importId(report)).isEqualTo(importId);
        assertThat(linesOf(importId)).isEqualTo(2500);
        assertExactly(report, 2);
    }

    @Test
    void aBadAmountRejectsTheFileNamingItsLineAndLeavesNothingLandedAndNoOrderChanged() throws Exception {
        var day = LocalDate.of(2031, 1, 6);
        Path good = syntheticDay("WECHAT", day, 2500, 1, "good.csv");
        var lines = new ArrayList<>(Files.readAllLines(good, StandardCharsets.UTF_8));
        lines.set(1799, lines.get(1799).replaceFirst("`CNY,`[0-9.]+,", "`CNY,`3.5O,"));
        Path bad = Files.write(dir.resolve("bad.csv"), lines, StandardCharsets.UTF_8);
        String orders = ordersOf(day);

        assertThatThrownBy(() -> reconcile(withCheckpointEvery(500), PaymentChannel.WECHAT, day, bad, new Reconciler.Listener() { }))
                .isInstanceOf(BillException.class).hasMessageContaining("line 1800").hasMessageContaining("3.5O");

        long importId = platform.count("SELECT id FROM bill_import WHERE bill_date = ?", day.toString());
        assertThat(platform.sql.sql("SELECT status FROM bill_import WHERE id = ?").param(importId).query(String.class).single())
                .isEqualTo("REJECTED");
        assertThat(linesOf(importId)).isZero();
        assertThat(platform.count("SELECT COUNT(*) FROM bill_difference WHERE import_id = ?", importId)).isZero();
        assertThat(ordersOf(day)).isEqualTo(orders);

        var report = reconcile(reconciler, PaymentChannel.WECHAT, day, good, new Reconciler.Listener() { });
        assertExactly(report, 1);
    }

    @Test
    void aTruncatedGzipBillIsRejectedAndNothingOfItStays() throws Exception {
        var day = LocalDate.of(2031, 1, 9);
        Path whole = syntheticDay("WECHAT", day, 2500, 1, "whole.csv.gz");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.csv.gz"), java.util.Arrays.copyOf(bytes, bytes.length * 3 / 4));
        String orders = ordersOf(day);

        assertThatThrownBy(() -> reconcile(withCheckpointEvery(500), PaymentChannel.WECHAT, day, cut, new Reconciler.Listener() { }))
                .isInstanceOf(BillException.class).hasMessageContaining("gzip").hasMessageMatching("line \\d+: .*");

        assertThat(platform.count("SELECT COUNT(*) FROM bill_line l JOIN bill_import i ON i.id = l.import_id WHERE i.bill_date = ?",
                day.toString())).isZero();
        assertThat(ordersOf(day)).isEqualTo(orders);
    }

    @Test
    void aSummaryThatDoesNotMatchItsLinesRejectsTheFile() throws Exception {
        var day = LocalDate.of(2031, 1, 7);
        Path good = syntheticDay("WECHAT", day, 1200, 1, "sum.csv");
        var lines = new ArrayList<>(Files.readAllLines(good, StandardCharsets.UTF_8));
        lines.set(lines.size() - 1, lines.get(lines.size() - 1).replaceFirst("^`1200,", "`1201,"));
        Path altered = Files.write(dir.resolve("altered.csv"), lines, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> reconcile(withCheckpointEvery(500), PaymentChannel.WECHAT, day, altered, new Reconciler.Listener() { }))
                .isInstanceOf(BillException.class).hasMessageContaining("总交易单数 = 1201").hasMessageContaining("1200");
        assertThat(platform.count("SELECT COUNT(*) FROM bill_line l JOIN bill_import i ON i.id = l.import_id WHERE i.bill_date = ?",
                day.toString())).isZero();
    }

    @Test
    void theOperatorApiRunsAReconciliationOfAFileOnTheServerAndShowsItsProgressAndReport() throws Exception {
        var day = LocalDate.of(2031, 1, 8);
        Path bill = syntheticDay("ALIPAY", day, 1500, 2, "server.csv.gz");

        var started = platform.admin("POST", "/api/v1/admin/reconciliations",
                "{\"channel\":\"ALIPAY\",\"date\":\"" + day + "\",\"file\":\"" + bill + "\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        long id = JSON.readTree(started.body()).path("id").asLong();

        await().atMost(Duration.ofSeconds(30)).until(() -> view(id).path("status").asString().equals("DONE"));
        JsonNode done = view(id);
        assertThat(done.path("progress").path("rows").asLong()).isEqualTo(1500);
        for (DiscrepancyKind kind : DiscrepancyKind.values()) {
            assertThat(done.path("report").path("differences").path(kind.name()).path("count").asLong()).as(kind.name()).isEqualTo(2);
        }
        var mismatches = platform.admin("GET", "/api/v1/admin/reconciliations/" + id + "/differences?kind=AMOUNT_MISMATCH", null);
        assertThat(JSON.readTree(mismatches.body()).path("count").asInt()).isEqualTo(2);

        var again = platform.admin("POST", "/api/v1/admin/reconciliations",
                "{\"channel\":\"ALIPAY\",\"date\":\"" + day + "\",\"file\":\"" + bill + "\"}");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(platform.admin("POST", "/api/v1/admin/reconciliations", "{\"channel\":\"PAYPAL\",\"date\":\"2031-01-08\",\"file\":\"x\"}")
                .statusCode()).isEqualTo(400);
        var missing = platform.admin("POST", "/api/v1/admin/reconciliations",
                "{\"channel\":\"WECHAT\",\"date\":\"2031-01-08\",\"file\":\"" + dir.resolve("nope.csv") + "\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("BILL_REJECTED").contains("does not exist");
    }

    @Test
    void theSandboxWritesTheDayBillOfWhatItProcessedAndASoldDrinkReconcilesClean() {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = platform.sell(machine, "WECHAT");
            LocalDate today = LocalDate.now(ChinaTime.ZONE);

            var started = platform.admin("POST", "/api/v1/admin/reconciliations", "{\"channel\":\"WECHAT\",\"date\":\"" + today + "\"}");
            assertThat(started.statusCode()).as(started.body()).isIn(200, 202);
            long id = JSON.readTree(started.body()).path("id").asLong();
            await().atMost(Duration.ofSeconds(30)).until(() -> view(id).path("status").asString().equals("DONE"));

            assertThat(view(id).path("report").path("bill").path("payments").path("count").asLong()).isPositive();
            assertThat(platform.count("SELECT COUNT(*) FROM bill_line WHERE import_id = ? AND trade_key = ?", id, orderNo)).isEqualTo(1);
            assertThat(platform.count("SELECT COUNT(*) FROM bill_difference WHERE import_id = ? AND order_no = ?", id, orderNo)).isZero();
        }
    }

    private JsonNode view(long id) {
        var r = platform.admin("GET", "/api/v1/admin/reconciliations/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private String ordersOf(LocalDate day) {
        String prefix = "S" + day.toString().replace("-", "");
        return platform.sql.sql("SELECT status, COUNT(*), SUM(COALESCE(paid_amount_fen, 0)) FROM orders WHERE order_no LIKE ? GROUP BY status ORDER BY status")
                .param(prefix + "%").query((rs, n) -> rs.getString(1) + "=" + rs.getLong(2) + "/" + rs.getLong(3)).list().toString();
    }
}
