package io.vendpay.shared;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.util.ErrorHandler;

/**
 * What a timer tick that failed writes. Every timer keeps its state in the store and picks the
 * same work up again on its next tick, so a tick that found the store busy (pool exhausted,
 * lock wait, deadlock) loses nothing: it is at most one WARN line per {@value #QUIET_MS} ms,
 * with the number of such ticks since the last line, and {@code vendpay_timer_failures_total{kind}}. A tick
 * that found the store unreachable loses nothing either: {@code kind=store_unavailable}, reported to
 * {@link StoreFailures} (its own quiet {@code event=store.unavailable} line). Anything else is a defect and
 * keeps its stack trace at ERROR.
 */
@Component
class TimerFailures implements ThreadPoolTaskSchedulerCustomizer, ErrorHandler {

    private static final Logger log = LoggerFactory.getLogger("vendpay.timers");
    private static final long QUIET_MS = 30_000;

    private final MeterRegistry meters;
    private final StoreFailures storeFailures;
    private final AtomicLong loggedAt = new AtomicLong();
    private final AtomicLong busyTicks = new AtomicLong();

    @Autowired
    TimerFailures(MeterRegistry meters, StoreFailures storeFailures) {
        this.meters = meters;
        this.storeFailures = storeFailures;
    }

    TimerFailures(MeterRegistry meters) {
        this(meters, new StoreFailures(meters));
    }

    @Override
    public void customize(ThreadPoolTaskScheduler scheduler) {
        scheduler.setErrorHandler(this);
    }

    @Override
    public void handleError(Throwable t) {
        if (StoreFailures.isUnavailable(t)) {
            count("store_unavailable");
            storeFailures.report("timers", t);      // an outage fails every tick of every timer: one line per 30 s
            return;
        }
        boolean storeBusy = StoreFailures.isBusy(t) || t instanceof CannotGetJdbcConnectionException;
        count(storeBusy ? "store_busy" : "defect");
        if (!storeBusy) {
            log.error("event=timer.failed thread={} cause=\"{}\"", Thread.currentThread().getName(), Failures.rootMessage(t), t);
            return;
        }
        busyTicks.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = loggedAt.get();
        if (now - last >= QUIET_MS && loggedAt.compareAndSet(last, now)) {
            log.warn("event=timer.store_busy ticks={} cause=\"{}\" (the work stays due; the next tick retries it)",
                    busyTicks.getAndSet(0), Failures.rootMessage(t));
        }
    }

    private void count(String kind) {
        Counter.builder("vendpay_timer_failures").tag("kind", kind)
                .description("Timer ticks that failed; the next tick retries their work").register(meters).increment();
    }
}
