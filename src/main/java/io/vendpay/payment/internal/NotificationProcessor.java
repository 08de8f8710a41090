package io.vendpay.payment.internal;

import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.payment.NotificationQuarantined;
import io.vendpay.payment.PaymentConfirmed;
import io.vendpay.shared.Alerts;
import io.vendpay.shared.BoundedWorkers;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Processes stored notifications after they were answered. Each one is handled in one
 * transaction: the events it publishes (payment confirmed, refund settled) run their listeners
 * inside it, and the row is marked processed in it, so a crash leaves it either fully done or
 * still pending. Pending rows are picked up again by the sweeper: when the queue was full, when a
 * node died, when the database refused. Handling is idempotent (conditional transitions), so a
 * notification processed twice, on two nodes at once, has the effect of one.
 */
@Component
public class NotificationProcessor {

    private static final Logger log = LoggerFactory.getLogger(NotificationProcessor.class);

    private final NotificationJournal journal;
    private final ApplicationEventPublisher events;
    private final RefundLedger refunds;
    private final TransactionTemplate tx;
    private final PaymentProperties props;
    private final ThreadPoolExecutor workers;
    private final Counter overflow;
    private final Counter failed;
    private final Alerts alerts;

    NotificationProcessor(NotificationJournal journal, ApplicationEventPublisher events, RefundLedger refunds,
                          TransactionTemplate tx, PaymentProperties props, MeterRegistry meters, Alerts alerts) {
        this.alerts = alerts;
        this.journal = journal;
        this.events = events;
        this.refunds = refunds;
        this.tx = tx;
        this.props = props;
        this.workers = BoundedWorkers.create("notify-worker", props.workers(), props.queueCapacity(), meters);
        this.overflow = Counter.builder("vendpay_notifications_deferred")
                .description("Stored notifications left to the sweeper because the worker queue was full").register(meters);
        this.failed = Counter.builder("vendpay_notifications_failed")
                .description("Processing attempts that failed and will be retried").register(meters);
    }

    /**
     * The notify endpoints' one step after verification: stores the notification and applies it in one
     * transaction (the payment's move, its timeline entry and its dispense command commit with the
     * notification's own row), so the channel is answered after a single commit and the order is already
     * paid when it is. Database work only: the dispense command is published after the commit, by its own
     * workers. Costs one transaction of 4-5 statements for a payment.
     * <p>
     * When the application fails for a reason that is not the store's (a defect, a poison notification),
     * the notification is stored alone, pending, with that attempt counted, and the sweeper retries it
     * up to {@code max-attempts}: it is still stored before the answer. When the store fails, nothing is
     * stored and the caller answers 5xx (the channel re-sends).
     *
     * @return the stored notification; empty when the same one was already stored (a duplicate)
     */
    public Optional<NotificationJournal.Stored> receive(ChannelNotification n, long now) {
        try {
            return tx.execute(status -> {
                var stored = journal.storeProcessed(n, now);
                stored.ifPresent(s -> {
                    String outcome = dispatch(n);
                    if (!"PROCESSED".equals(outcome)) {
                        journal.recordOutcome(s.id(), outcome);
                    }
                });
                return stored;
            });
        } catch (RuntimeException e) {
            if (io.vendpay.shared.StoreFailures.isUnavailable(e)) {
                throw e;    // nothing stored: the caller answers 5xx and the channel re-sends
            }
            if (storeTrouble(e)) {
                // a deadlock or lock wait while applying: not the notification's fault; stored alone, applied by a worker
                var stored = journal.store(n, now);
                stored.ifPresent(this::submit);
                return stored;
            }
            failed.increment();
            log.warn("event=notification.process_failed channel={} type={} out_trade_no={} error=\"{}\" (stored pending; will retry)",
                    n.channel(), n.eventType(), n.outTradeNo(), e.toString());
            var stored = journal.storeFailedOnce(n, now);
            stored.ifPresent(s -> {
                if (props.maxAttempts() <= 1) {
                    quarantine(s, 1, e);
                }
            });
            return stored;
        }
    }

    /** Hands a stored, still pending notification to the workers; never blocks the caller. */
    public void submit(NotificationJournal.Stored stored) {
        try {
            workers.execute(() -> process(stored));
        } catch (RejectedExecutionException full) {
            overflow.increment();
        }
    }

    void process(NotificationJournal.Stored stored) {
        ChannelNotification n = stored.notification();
        try {
            tx.executeWithoutResult(status -> {
                // Claim first: the row lock this takes makes a second processor of the same
                // notification (the sweeper, another node) wait, then find it done and skip.
                if (!journal.markProcessed(stored.id(), "PROCESSED", System.currentTimeMillis())) {
                    return;
                }
                String outcome = dispatch(n);
                if (!"PROCESSED".equals(outcome)) {
                    journal.recordOutcome(stored.id(), outcome);
                }
            });
        } catch (RuntimeException e) {
            failed.increment();
            if (storeTrouble(e)) {
                // not the notification's fault: retried by the sweeper, and not counted against it
                log.debug("event=notification.process_deferred id={} error=\"{}\"", stored.id(), e.toString());
                return;
            }
            log.warn("event=notification.process_failed id={} channel={} type={} out_trade_no={} error=\"{}\" (will retry)",
                    stored.id(), n.channel(), n.eventType(), n.outTradeNo(), e.toString());
            try {
                int attempts = journal.failedAttempt(stored.id());
                if (attempts >= props.maxAttempts()) {
                    quarantine(stored, attempts, e);
                }
            } catch (RuntimeException ignored) {
                // the database is what failed; the sweeper retries later either way
            }
        }
    }

    /**
     * A poison notification: its processing failed {@code vendpay.payment.max-attempts} times for a reason
     * that is not the store's. It leaves the sweep (it would be retried for ever and, in numbers, crowd
     * out the others), and becomes an operator case with an alert and a line in its order's timeline.
     */
    private void quarantine(NotificationJournal.Stored stored, int attempts, RuntimeException cause) {
        ChannelNotification n = stored.notification();
        String error = io.vendpay.shared.Failures.rootMessage(cause);
        if (!journal.quarantine(stored.id(), System.currentTimeMillis(), attempts, error)) {
            return;
        }
        alerts.raise("POISON_NOTIFICATION", "id=" + stored.id() + " channel=" + n.channel() + " type=" + n.eventType()
                + " out_trade_no=" + n.outTradeNo() + " transaction_id=" + n.transactionId() + " attempts=" + attempts
                + " error=\"" + error + "\" (stored but NOT applied; fix the cause, then POST /api/v1/admin/notifications/"
                + stored.id() + "/retry)");
        try {
            events.publishEvent(new NotificationQuarantined(n.outTradeNo(), stored.id(), n.eventType(), attempts, error));
        } catch (RuntimeException timelineFailed) {
            log.warn("event=notification.case_not_in_timeline id={} error=\"{}\"", stored.id(), timelineFailed.toString());
        }
    }

    /** Puts a poison notification back into processing, with its attempts from zero; false if it has no open case. */
    boolean retry(long id) {
        if (!Boolean.TRUE.equals(tx.execute(s -> journal.reopen(id)))) {
            return false;
        }
        journal.pending(id).ifPresent(this::submit);
        return true;
    }

    private static boolean storeTrouble(Throwable e) {
        return io.vendpay.shared.StoreFailures.isUnavailable(e) || io.vendpay.shared.StoreFailures.isBusy(e);
    }

    private String dispatch(ChannelNotification n) {
        if (ChannelNotification.PAYMENT_SUCCESS.equals(n.eventType())) {
            if (!"SUCCESS".equals(n.tradeState()) || n.amountFen() == null) {
                log.warn("event=notification.ignored channel={} out_trade_no={} trade_state={} (not a successful payment)",
                        n.channel(), n.outTradeNo(), n.tradeState());
                return "IGNORED";
            }
            events.publishEvent(new PaymentConfirmed(n.channel(), n.outTradeNo(), n.transactionId(), n.amountFen(),
                    n.occurredAt(), n.source()));
            return "PROCESSED";
        }
        if (n.isRefundEvent()) {
            return refunds.onChannelReport(n);
        }
        log.warn("event=notification.ignored channel={} type={} out_trade_no={} (event type not handled)",
                n.channel(), n.eventType(), n.outTradeNo());
        return "IGNORED";
    }

    @Scheduled(fixedDelayString = "${vendpay.payment.sweep-every:2s}", initialDelayString = "3s")
    void sweep() {
        long cutoff = System.currentTimeMillis() - props.sweepAfter().toMillis();
        for (var stored : journal.unprocessed(cutoff, 500)) {
            if (workers.getQueue().remainingCapacity() < props.queueCapacity() / 2) {
                return;
            }
            submit(stored);
        }
    }

    @PreDestroy
    void shutdown() throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }
}
