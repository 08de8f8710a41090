package io.vendpay.shared;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;

/**
 * A fixed pool with a bounded queue. Every pool in vendpay is one of these, so nothing grows
 * without limit under a rush: when the queue is full the task is refused, and the caller decides
 * whether to shed (answer 429/503) or to leave the work to a database-driven sweeper.
 */
public final class BoundedWorkers {

    private BoundedWorkers() {
    }

    public static ThreadPoolExecutor create(String name, int threads, int queueCapacity, MeterRegistry meters) {
        return create(name, threads, queueCapacity, new ThreadPoolExecutor.AbortPolicy(), meters);
    }

    /** A pool whose {@code execute} blocks the caller while the queue is full: backpressure for inbound streams. */
    public static ThreadPoolExecutor blocking(String name, int threads, int queueCapacity, MeterRegistry meters) {
        RejectedExecutionHandler waitForRoom = (task, pool) -> {
            if (pool.isShutdown()) {
                throw new java.util.concurrent.RejectedExecutionException(name + " is shut down");
            }
            try {
                pool.getQueue().put(task);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.RejectedExecutionException(name + " interrupted while waiting for room", e);
            }
        };
        return create(name, threads, queueCapacity, waitForRoom, meters);
    }

    private static ThreadPoolExecutor create(String name, int threads, int queueCapacity,
                                             RejectedExecutionHandler onFull, MeterRegistry meters) {
        var pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), daemonThreads(name), onFull);
        if (meters != null) {
            new ExecutorServiceMetrics(pool, name, "vendpay", java.util.List.of()).bindTo(meters);
        }
        return pool;
    }

    public static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
