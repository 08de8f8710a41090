package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import io.vendpay.testing.DispensingMachine;
import io.vendpay.testing.Json;
import io.vendpay.testing.Platform;
import io.vendpay.testing.WechatNotifications;

/** What every fault test checks at its end (issue 8), and how "WeChat" delivers its notifications. */
final class FaultChecks {

    private FaultChecks() {
    }

    /** The WeChat transaction id the tests give an order's payment. */
    static String txnOf(String orderNo) {
        return "42000" + orderNo.substring(Math.max(0, orderNo.length() - 20));
    }

    /**
     * WeChat's side: each payment notified, 8 at a time, until a node answers 200, as WeChat retries
     * (attempt {@code n} goes to {@code nodeFor.apply(n)}, so a test can spread them or fail over).
     * {@code afterEach} runs after each 200 with the number answered so far. Returns once all are answered.
     */
    static void notifyUntilAcknowledged(WechatNotifications wechat, List<String> orderNos, IntFunction<Platform> nodeFor,
            java.util.function.IntConsumer afterEach) throws InterruptedException {
        notifyUntilAcknowledged(wechat, orderNos, nodeFor, afterEach, answer -> { });
    }

    /** As above, and every delivery's answer goes to {@code answers}, as it arrives. */
    static void notifyUntilAcknowledged(WechatNotifications wechat, List<String> orderNos, IntFunction<Platform> nodeFor,
            java.util.function.IntConsumer afterEach, java.util.function.Consumer<Delivery> answers) throws InterruptedException {
        notifyUntilAcknowledged(orderNo -> {
            var n = wechat.payment(orderNo, txnOf(orderNo), 350);
            return new Notice(n.headers(), n.body());
        }, orderNos, nodeFor, afterEach, answers);
    }

    /** A payment notification as WeChat posts it. */
    record Notice(java.util.Map<String, String> headers, byte[] body) {
    }

    /** One delivery of a notification and what it got: the HTTP status (0: no answer) and when, in nanoTime. */
    record Delivery(String orderNo, long sentAt, long answeredAt, int status, String body) {
        long millis() {
            return (answeredAt - sentAt) / 1_000_000;
        }
    }

    /** As above, with the notification of each order made by {@code notice} (e.g. the sandbox's own, for a payment it recorded). */
    static void notifyUntilAcknowledged(java.util.function.Function<String, Notice> notice, List<String> orderNos,
            IntFunction<Platform> nodeFor, java.util.function.IntConsumer afterEach, java.util.function.Consumer<Delivery> answers)
            throws InterruptedException {
        var acknowledged = new CountDownLatch(orderNos.size());
        var count = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < orderNos.size(); i++) {
                String orderNo = orderNos.get(i);
                int first = i;
                pool.execute(() -> {
                    for (int attempt = 0; attempt < 200; attempt++) {
                        var n = notice.apply(orderNo);
                        long sent = System.nanoTime();
                        try {
                            var r = nodeFor.apply(first + attempt).post("/api/v1/pay/wechat/notify", n.headers(), n.body());
                            answers.accept(new Delivery(orderNo, sent, System.nanoTime(), r.statusCode(), r.body()));
                            if (r.statusCode() == 200) {
                                // first the caller's step (a kill), then the count the caller waits on
                                afterEach.accept(count.incrementAndGet());
                                acknowledged.countDown();
                                return;
                            }
                        } catch (IllegalStateException unreachable) {
                            // a node that is down (or an answer later than WeChat waits): WeChat tries again later
                            answers.accept(new Delivery(orderNo, sent, System.nanoTime(), 0, unreachable.toString()));
                        }
                        try {
                            Thread.sleep(100);      // WeChat's retry interval, scaled down
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            assertThat(acknowledged.await(90, TimeUnit.SECONDS)).as("all %d notifications answered 200", orderNos.size()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Every acknowledged payment dispensed exactly once: DISPENSED, its notification stored once, one
     * command and one cmdId at the machine, no refund.
     */
    static void assertDispensedOnce(Platform p, DispensingMachine machine, Collection<String> paid, Duration within) {
        for (String orderNo : paid) {
            p.awaitStatus(orderNo, "DISPENSED", within);
        }
        for (String orderNo : paid) {
            assertThat(p.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ?", orderNo))
                    .as("the notification of %s answered 200 is stored once", orderNo).isEqualTo(1);
            assertThat(machine.cmdIdsOf(orderNo)).as("cmdIds the machine got for %s", orderNo).hasSize(1);
            assertThat(p.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ?", orderNo)).isEqualTo(1);
            assertThat(p.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).as("refunds of %s", orderNo).isZero();
        }
    }

    static void assertAuditClean(Platform p) {
        assertAuditClean(p, 0);
    }

    /**
     * The audit of the orders created since {@code fromMs}: a test in a shared context audits its own
     * orders, not what an earlier test in that context left in flight. A failure names the orders that
     * are paid and not settled, with their stories.
     */
    static void assertAuditClean(Platform p, long fromMs) {
        var r = p.admin("GET", "/api/v1/admin/audit?from=" + fromMs, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Json.read(r.body()).properties().forEach(e -> assertThat(e.getValue().asLong())
                .as(() -> "audit " + e.getKey() + " of orders created since " + fromMs + "\n" + unsettledStories(p, fromMs))
                .isZero());
    }

    private static String unsettledStories(Platform p, long fromMs) {
        var sb = new StringBuilder();
        p.sql.sql("SELECT order_no FROM orders WHERE created_at >= ? AND channel_txn_id IS NOT NULL"
                        + " AND status NOT IN ('DISPENSED', 'REFUNDED')")
                .param(fromMs).query(String.class).list()
                .forEach(orderNo -> sb.append(p.story(orderNo)).append('\n'));
        return sb.toString();
    }
}
