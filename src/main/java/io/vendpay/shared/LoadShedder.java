package io.vendpay.shared;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Admission control for one kind of request. At most {@code limit} run at once; a request that
 * cannot start within {@code maxWait} is refused at once instead of queueing on the database pool.
 * A refused request costs microseconds; a queued one holds a Tomcat thread and, at the peak, turns
 * into the timeouts and retry storms vendpay exists to prevent.
 */
public final class LoadShedder {

    private final String name;
    private final Semaphore permits;
    private final long maxWaitNanos;
    private final Counter shed;

    public LoadShedder(String name, int limit, long maxWaitMillis, MeterRegistry meters) {
        this.name = name;
        this.permits = new Semaphore(limit);
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        this.shed = Counter.builder("vendpay_http_shed").tag("endpoint", name)
                .description("Requests refused by admission control").register(meters);
        Gauge.builder("vendpay_http_in_flight", permits, p -> limit - p.availablePermits())
                .tag("endpoint", name).register(meters);
    }

    /** Runs {@code work} if admitted; otherwise counts the refusal and returns {@code false}. */
    public boolean tryEnter() {
        try {
            if (permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shed.increment();
        return false;
    }

    public void exit() {
        permits.release();
    }

    public String name() {
        return name;
    }
}
