package io.vendpay.sandbox.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.vendpay.sandbox.PaymentSandbox;

final class SandboxFaults implements PaymentSandbox.Faults {

    final AtomicInteger failRefundRequests = new AtomicInteger();
    final AtomicInteger abnormalRefunds = new AtomicInteger();
    final AtomicInteger failCloseRequests = new AtomicInteger();
    final AtomicInteger dropRefundNotifications = new AtomicInteger();
    final AtomicInteger delayedPaymentNotifications = new AtomicInteger();
    final AtomicLong paymentNotificationDelay = new AtomicLong();
    private volatile long slowUntil;
    private volatile long slowLatency;

    @Override
    public void failRefundRequests(int n) {
        failRefundRequests.set(n);
    }

    @Override
    public void failCloseRequests(int n) {
        failCloseRequests.set(n);
    }

    @Override
    public void abnormalRefunds(int n) {
        abnormalRefunds.set(n);
    }

    @Override
    public void dropRefundNotifications(int n) {
        dropRefundNotifications.set(n);
    }

    @Override
    public void delayPaymentNotifications(int n, long millis) {
        paymentNotificationDelay.set(millis);
        delayedPaymentNotifications.set(n);
    }

    @Override
    public void slowApi(long latencyMillis, long forMillis) {
        slowLatency = latencyMillis;
        slowUntil = System.currentTimeMillis() + forMillis;
    }

    /** Holds an API request for the slow channel's latency while that fault lasts. */
    void apiLatency() {
        if (System.currentTimeMillis() < slowUntil && slowLatency > 0) {
            try {
                Thread.sleep(slowLatency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Consumes one injected fault of this kind if any is left. */
    static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
}
