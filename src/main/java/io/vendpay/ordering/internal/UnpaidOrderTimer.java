package io.vendpay.ordering.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.fleet.Fleet;
import io.vendpay.payment.ChannelException;
import io.vendpay.payment.PaymentGateway;
import io.vendpay.shared.BoundedWorkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one timer of an unpaid order, kept in {@code orders.due_at}: a payment query
 * {@code vendpay.payment.query-after} after creation, another {@code query-before-expiry} before
 * the order expires (a notification may be lost, never sent, or stuck in the channel's retries),
 * then the expiry itself: close at the channel, CLOSED here, the held unit released.
 * <p>
 * A query that finds the order paid feeds the payment into the notification path (same store,
 * same dedup key), so it is applied exactly once whichever arrives first. Due orders are read
 * in batches through the (status, due_at) index and each is claimed with a conditional update,
 * so two nodes never query or expire the same order twice, and a restart loses no timer.
 * <p>
 * Expiry closes at the channel first. If the channel says the order was paid after all, it stays
 * CREATED and its payment is fetched and applied. If the channel cannot be reached, the order is
 * closed here anyway: a payment that still arrives is a late payment and is refunded.
 * <p>
 * The channel calls (a signature and a round trip each, up to the read timeout when the channel is
 * slow) run on a small pool of their own, {@code vendpay.ordering.timer-channel-calls} at a time;
 * the tick only claims as many due orders as there are free calls, earliest due first, so a slow
 * channel delays this timer's own work by its latency and nothing else: the tick never waits, and
 * the other timers have threads of their own.
 */
@Component
class UnpaidOrderTimer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(UnpaidOrderTimer.class);
    private static final int BATCH = 200;
    /** Outlasts a claimed order's work (a close and a query, each within the channel's connect + read timeouts) so no
     *  other node takes it meanwhile; no longer, as a node that dies holding a claim delays that order's timer by it. */
    private static final long CLAIM_MS = 20_000;
    private static final long RETRY_MS = 10_000;

    private final Orders orders;
    private final Fleet fleet;
    private final PaymentGateway payments;
    private final TransactionTemplate tx;
    private final long queryAfterMs;
    private final long queryBeforeExpiryMs;
    private final MeterRegistry meters;
    private final ThreadPoolExecutor calls;
    private final Semaphore free;

    UnpaidOrderTimer(Orders orders, Fleet fleet, PaymentGateway payments, TransactionTemplate tx, MeterRegistry meters,
                     @Value("${vendpay.payment.query-after:30s}") Duration queryAfter,
                     @Value("${vendpay.payment.query-before-expiry:10s}") Duration queryBeforeExpiry,
                     @Value("${vendpay.ordering.timer-channel-calls:8}") int channelCalls) {
        if (channelCalls < 1) {
            throw new IllegalArgumentException("vendpay.ordering.timer-channel-calls must be at least 1, was " + channelCalls);
        }
        this.calls = BoundedWorkers.create("unpaid-timer", channelCalls, channelCalls, meters);
        this.free = new Semaphore(channelCalls);
        this.orders = orders;
        this.fleet = fleet;
        this.payments = payments;
        this.tx = tx;
        this.meters = meters;
        this.queryAfterMs = queryAfter.toMillis();
        this.queryBeforeExpiryMs = queryBeforeExpiry.toMillis();
    }

    /** When a new order's timer first fires. */
    long firstDue(long createdAt, long expiresAt) {
        return Math.min(createdAt + queryAfterMs, lastQueryAt(expiresAt, createdAt));
    }

    private long lastQueryAt(long expiresAt, long after) {
        long t = expiresAt - queryBeforeExpiryMs;
        return t > after ? t : expiresAt;
    }

    @Scheduled(fixedDelayString = "${vendpay.ordering.timer-every:1s}", initialDelayString = "3s")
    void tick() {
        int room = free.availablePermits();
        if (room == 0) {
            return;     // every channel call busy: the due orders wait for the next tick, still due
        }
        long now = System.currentTimeMillis();
        for (Order o : orders.dueUnpaid(now, Math.min(BATCH, room))) {
            if (!free.tryAcquire()) {
                return;
            }
            boolean started = false;
            try {
                if (orders.claimDue(o, now + CLAIM_MS)) {
                    calls.execute(() -> run(o));
                    started = true;
                }
            } catch (RejectedExecutionException shuttingDown) {
                return;     // claimed but not run: the claim lapses after CLAIM_MS and the timer fires again
            } finally {
                if (!started) {
                    free.release();
                }
            }
        }
    }

    private void run(Order o) {
        try {
            long now = System.currentTimeMillis();
            if (now >= o.expiresAt()) {
                expire(o);
            } else {
                query(o, now);
            }
        } catch (RuntimeException e) {
            log.warn("event=order.timer_failed order_no={} error=\"{}\" (retrying)", o.orderNo(), e.toString());
            try {
                orders.scheduleNext(o.orderNo(), System.currentTimeMillis() + RETRY_MS, o.queries());
            } catch (RuntimeException storeDown) {
                // the claim lapses after CLAIM_MS and the timer fires again
            }
        } finally {
            free.release();
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        calls.shutdown();
        calls.awaitTermination(10, TimeUnit.SECONDS);   // a call in flight ends within the channel's read timeout
    }

    private void query(Order o, long now) {
        PaymentGateway.PaymentCheck found;
        try {
            found = payments.check(o.channel(), o.orderNo());
        } catch (ChannelException e) {
            count("QUERY_FAILED");
            orders.scheduleNext(o.orderNo(), Math.min(now + RETRY_MS, o.expiresAt()), o.queries());
            return;
        }
        count(found.name());
        if (found == PaymentGateway.PaymentCheck.PAID) {
            log.info("event=order.payment_found_by_query order_no={} (its notification had not been processed)", o.orderNo());
        }
        long next = o.queries() == 0 ? lastQueryAt(o.expiresAt(), now) : o.expiresAt();
        orders.scheduleNext(o.orderNo(), Math.max(next, now + 1), o.queries() + 1);
    }

    private void expire(Order o) {
        String why;
        try {
            if (payments.close(o.channel(), o.orderNo()) == PaymentGateway.CloseOutcome.ALREADY_PAID) {
                count("PAID_AT_EXPIRY");
                payments.check(o.channel(), o.orderNo());
                orders.scheduleNext(o.orderNo(), System.currentTimeMillis() + RETRY_MS, o.queries() + 1);
                return;
            }
            why = "closed at channel";
        } catch (ChannelException e) {
            why = "channel close failed (" + e.getMessage() + "); a later payment will be refunded";
        }
        String detail = why;
        tx.executeWithoutResult(s -> {
            if (orders.move(o, OrderTransition.EXPIRE, System.currentTimeMillis(), null, null, detail)) {
                fleet.release(o.deviceId(), o.slot());
            }
        });
    }

    private void count(String result) {
        Counter.builder("vendpay_unpaid_order_checks").tag("result", result)
                .description("Payment queries and expiry checks of unpaid orders").register(meters).increment();
    }
}
