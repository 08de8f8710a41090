package io.vendpay.payment;

import io.vendpay.payment.internal.RefundLedger;
import io.vendpay.payment.internal.RefundWorker;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Asking for a refund. Call it inside the transaction that decides the refund (the order's move
 * to REFUNDING): the refund row commits with that decision or not at all, and the channel is
 * called only after the commit, by the refund worker, with retries until the channel settles it.
 */
@Service
public class Refunds {

    /** Lease that keeps the sweeper off a refund while the worker requests it right after commit. */
    private static final long FIRST_ATTEMPT_LEASE_MS = 15_000;

    private final RefundLedger ledger;
    private final RefundWorker worker;

    Refunds(RefundLedger ledger, RefundWorker worker) {
        this.ledger = ledger;
        this.worker = worker;
    }

    /** The order's refund, if it has one. */
    public java.util.Optional<RefundView> ofOrder(String orderNo) {
        return ledger.ofOrder(orderNo).map(Refunds::view);
    }

    /** Newest first; {@code status} null for all. */
    public java.util.List<RefundView> list(String status, int limit) {
        return ledger.list(status, limit).stream().map(Refunds::view).toList();
    }

    private static RefundView view(RefundLedger.RefundRow r) {
        return new RefundView(r.outRefundNo(), r.orderNo(), r.channel().name(), r.status(), r.refundFen(), r.reason(),
                r.attempts(), r.lastError(), r.channelRefundId(), r.createdAt(), r.settledAt());
    }

    /** Records the refund; {@code false} when the order already has one (nothing changes). */
    public boolean request(RefundRequest request) {
        long now = System.currentTimeMillis();
        if (!ledger.insert(request, now, now + FIRST_ATTEMPT_LEASE_MS)) {
            return false;
        }
        String outRefundNo = request.outRefundNo();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    worker.submit(outRefundNo);
                }
            });
        } else {
            worker.submit(outRefundNo);
        }
        return true;
    }
}
