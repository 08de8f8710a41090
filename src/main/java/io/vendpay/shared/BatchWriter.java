package io.vendpay.shared;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One thread that writes what many callers hand it, many items to a transaction: one commit (and one
 * pair of auto-commit switches) for a batch instead of one per item; a write that is one statement per
 * batch runs without a transaction and commits itself. A caller's future completes after
 * the commit that holds its item, so "answered after durable" still holds per caller. Batches grow with
 * load and only with load: the writer takes whatever is queued when it is free, so at low load a batch
 * is one item and nothing waits for company.
 * <p>
 * Items are written in a fixed order ({@code order}) so that two writers touching the same rows lock
 * them in the same order. When a batch's transaction fails, each of its items is tried again alone, so
 * one item that cannot be written does not fail the others (unless the store is unreachable: then the
 * batch fails at once). The queue is bounded, and a full queue fails the caller's future at once
 * (backpressure, never an unbounded backlog); an item whose caller stopped waiting and cancelled it is skipped.
 */
public final class BatchWriter<T> {

    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    private record Pending<T>(T item, CompletableFuture<Void> done) {
    }

    private final String name;
    private final ArrayBlockingQueue<Pending<T>> queue;
    private final int maxBatch;
    private final TransactionTemplate tx;
    private final Consumer<List<T>> write;
    private final Comparator<T> order;
    private final DistributionSummary batchSizes;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param tx    the transaction each batch is written in; {@code null} for a write that is one statement per
     *              batch (or statements that stand alone), which then commits itself: one round trip, not four
     * @param write writes the items, in the transaction the writer opened for them; throws to roll them all back
     * @param order the order items are written in within a batch (lock order)
     */
    public BatchWriter(String name, int capacity, int maxBatch, TransactionTemplate tx, Comparator<T> order,
                       Consumer<List<T>> write, MeterRegistry meters) {
        this.name = name;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.tx = tx;
        this.order = order;
        this.write = write;
        this.batchSizes = DistributionSummary.builder("vendpay_batch_writer_batch_size").tag("writer", name)
                .description("Items committed together by one writer transaction").register(meters);
        Gauge.builder("vendpay_batch_writer_queued", queue, ArrayBlockingQueue::size).tag("writer", name).register(meters);
        this.thread = new Thread(this::run, name + "-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code item}; the future completes after its commit, or exceptionally (queue full, write failed). */
    public CompletableFuture<Void> submit(T item) {
        var done = new CompletableFuture<Void>();
        if (!running || !queue.offer(new Pending<>(item, done))) {
            done.completeExceptionally(new CannotAcquireLockException(name + " writer queue is full; retry"));
        }
        return done;
    }

    /**
     * Submits {@code item} and waits for the commit that holds it. Throws what the write threw; a
     * {@link QueryTimeoutException} (the item cancelled, so the writer skips it if it has not begun) when no
     * commit came within {@code timeout}; a {@link CannotAcquireLockException} when the queue is full.
     *
     * @param what the item, as an error message names it ("nonce", "QR code of V...")
     */
    public void write(T item, Duration timeout, String what) {
        var written = submit(item);
        try {
            written.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            written.cancel(false);
            throw new QueryTimeoutException(what + " not written within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + what, e);
        }
    }

    private void run() {
        List<Pending<T>> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending<T> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                batch.sort((a, b) -> order.compare(a.item(), b.item()));
                writeAll(batch);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException | Error e) {
                // never leaves a caller waiting; never ends the writer
                batch.forEach(p -> p.done().completeExceptionally(e));
                log.warn("event=batch_writer.failed writer={} error=\"{}\"", name, e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void writeAll(List<Pending<T>> batch) {
        batch.removeIf(p -> p.done().isDone());     // its caller gave up waiting (and cancelled it)
        if (batch.isEmpty()) {
            return;
        }
        try {
            List<T> items = batch.stream().map(Pending::item).toList();
            inTransaction(items);
            batchSizes.record(batch.size());
            batch.forEach(p -> p.done().complete(null));
            return;
        } catch (RuntimeException e) {
            if (batch.size() == 1 || StoreFailures.isUnavailable(e)) {
                // the store is away: every item would fail alone too, each after the same timeout
                batch.forEach(p -> p.done().completeExceptionally(e));
                return;
            }
        }
        for (Pending<T> p : batch) {      // one at a time: the item that cannot be written fails alone
            try {
                inTransaction(List.of(p.item()));
                batchSizes.record(1);
                p.done().complete(null);
            } catch (RuntimeException e) {
                p.done().completeExceptionally(e);
            }
        }
    }

    private void inTransaction(List<T> items) {
        if (tx == null) {
            write.accept(items);
        } else {
            tx.executeWithoutResult(s -> write.accept(items));
        }
    }

    /** Stops taking items; those queued are written first (up to {@code waitMs}). */
    public void stop(long waitMs) throws InterruptedException {
        running = false;
        thread.join(waitMs);
        thread.interrupt();
        Pending<T> left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new RejectedExecutionException(name + " writer stopped"));
        }
    }
}
