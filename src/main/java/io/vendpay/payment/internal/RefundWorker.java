package io.vendpay.payment.internal;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.payment.ChannelException;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.shared.BoundedWorkers;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Calls the channels' refund APIs. A refund is attempted right after the transaction that
 * requested it commits, and again by the sweeper whenever it is due: after a transient failure
 * (network, channel 5xx, rate limit) with exponential backoff capped at {@code refund-retry-max},
 * or when a node died mid-way. The channel is idempotent by {@code out_refund_no}, so a repeated
 * attempt is safe; the lease keeps two nodes from making it at the same time.
 */
@Component
public class RefundWorker {

    private static final Logger log = LoggerFactory.getLogger(RefundWorker.class);
    private static final long LEASE_MS = 60_000;

    private final RefundLedger ledger;
    private final TransactionTemplate tx;
    private final PaymentProperties props;
    private final Map<PaymentChannel, ChannelGateway> channels = new EnumMap<>(PaymentChannel.class);
    private final ThreadPoolExecutor workers;

    RefundWorker(RefundLedger ledger, TransactionTemplate tx, PaymentProperties props, List<ChannelGateway> gateways,
                 MeterRegistry meters) {
        this.ledger = ledger;
        this.tx = tx;
        this.props = props;
        gateways.forEach(g -> channels.put(g.channel(), g));
        this.workers = BoundedWorkers.create("refund-worker", 2, 1000, meters);
    }

    public void submit(String outRefundNo) {
        try {
            workers.execute(() -> attempt(outRefundNo));
        } catch (RejectedExecutionException full) {
            // stays PENDING with its lease; the sweeper takes it when the lease runs out
        }
    }

    void attempt(String outRefundNo) {
        var refund = ledger.find(outRefundNo).orElse(null);
        if (refund == null) {
            return;
        }
        switch (refund.status()) {
            case "PENDING" -> request(refund);
            case "REQUESTED", "ABNORMAL" -> askChannel(refund);
            default -> {
            }
        }
    }

    /** No notification settled the refund yet: ask the channel where it stands. */
    private void askChannel(RefundLedger.RefundRow refund) {
        ChannelGateway channel = channels.get(refund.channel());
        String outRefundNo = refund.outRefundNo();
        long now = System.currentTimeMillis();
        long again = Math.min(props.refundQueryMax().toMillis(), props.refundQueryAfter().toMillis() << Math.min(refund.attempts(), 16));
        if (channel == null) {
            ledger.askAgainAt(outRefundNo, now + again, now);
            return;
        }
        ChannelGateway.RefundAnswer answer;
        try {
            answer = channel.queryRefund(outRefundNo, refund.orderNo());
        } catch (ChannelException e) {
            log.warn("event=refund.query_failed out_refund_no={} error=\"{}\"", outRefundNo, e.getMessage());
            ledger.askAgainAt(outRefundNo, now + again, now);
            return;
        }
        long t = System.currentTimeMillis();
        tx.executeWithoutResult(s -> {
            boolean settled = switch (answer.state()) {
                case SUCCEEDED -> ledger.succeeded(outRefundNo, answer.channelRefundId(), t);
                case CLOSED -> ledger.closed(outRefundNo, t);
                case ABNORMAL -> "REQUESTED".equals(refund.status()) && ledger.abnormal(outRefundNo, t);
                case PROCESSING -> false;
            };
            if (!settled) {
                ledger.askAgainAt(outRefundNo, t + ("ABNORMAL".equals(refund.status())
                        ? RefundLedger.ABNORMAL_RECHECK_MS : again), t);
            }
        });
        log.debug("event=refund.queried out_refund_no={} state={}", outRefundNo, answer.state());
    }

    private void request(RefundLedger.RefundRow refund) {
        String outRefundNo = refund.outRefundNo();
        ChannelGateway channel = channels.get(refund.channel());
        long now = System.currentTimeMillis();
        if (channel == null) {
            ledger.retryLater(outRefundNo, now + props.refundRetryMax().toMillis(),
                    "channel " + refund.channel() + " is not enabled", now);
            return;
        }
        ChannelGateway.RefundAnswer answer;
        try {
            answer = channel.refund(outRefundNo, refund.orderNo(), refund.channelTxnId(), refund.totalFen(),
                    refund.refundFen(), refund.reason());
        } catch (ChannelException e) {
            long t = System.currentTimeMillis();
            if (e.retryable()) {
                long backoff = Math.min(props.refundRetryMax().toMillis(), 1000L << Math.min(refund.attempts() + 1, 20));
                log.warn("event=refund.retry out_refund_no={} attempt={} in_ms={} error=\"{}\"",
                        outRefundNo, refund.attempts() + 1, backoff, e.getMessage());
                ledger.retryLater(outRefundNo, t + backoff, e.getMessage(), t);
            } else {
                ledger.refused(refund, e.channelCode() + ": " + e.getMessage(), t);
            }
            return;
        }
        long t = System.currentTimeMillis();
        tx.executeWithoutResult(s -> {
            switch (answer.state()) {
                case PROCESSING -> ledger.accepted(outRefundNo, answer.channelRefundId(), t, t + props.refundQueryAfter().toMillis());
                case SUCCEEDED -> ledger.succeeded(outRefundNo, answer.channelRefundId(), t);
                case CLOSED -> ledger.closed(outRefundNo, t);
                case ABNORMAL -> ledger.abnormal(outRefundNo, t);
            }
        });
        log.debug("event=refund.requested out_refund_no={} order_no={} state={}", outRefundNo, refund.orderNo(), answer.state());
    }

    @Scheduled(fixedDelayString = "${vendpay.payment.refund-sweep-every:2s}", initialDelayString = "5s")
    void sweep() {
        long now = System.currentTimeMillis();
        for (String no : ledger.due(now, 200)) {
            if (workers.getQueue().remainingCapacity() < 100) {
                return;
            }
            if (ledger.lease(no, now, now + LEASE_MS)) {
                submit(no);
            }
        }
    }

    @PreDestroy
    void shutdown() throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }
}
