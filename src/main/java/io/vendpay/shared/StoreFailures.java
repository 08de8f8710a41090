package io.vendpay.shared;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * The one place that tells a store that cannot be reached from other failures (issue 8), and what
 * vendpay does about it: every caller answers {@value #CODE} (503, {@code Retry-After}) or leaves the work
 * due for its next tick, and reports it here, which counts it in
 * {@code vendpay_store_unavailable_total{place}} and writes one WARN {@code event=store.unavailable} line per
 * place per {@value #QUIET_MS} ms with the number of failures since the last one. An outage of the store
 * fails every request at once; a stack trace per request would bury the one line an operator needs.
 */
@Component
public class StoreFailures {

    public static final String CODE = "STORE_UNAVAILABLE";
    public static final String MESSAGE = "The platform cannot reach its store just now; try again in a few seconds";
    /** Seconds a caller is asked to wait: long enough not to hammer a store coming back, short against a vend. */
    public static final String RETRY_AFTER_SECONDS = "3";
    public static final String BUSY_CODE = "STORE_BUSY";
    public static final String BUSY_MESSAGE = "The store is busy (a conflicting change, or every connection in use); "
            + "nothing was changed. Retry";
    static final long QUIET_MS = 30_000;

    private static final Logger log = LoggerFactory.getLogger("vendpay.store");

    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, Place> places = new ConcurrentHashMap<>();

    public StoreFailures(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * {@code true} when {@code failure} says the store could not be reached or stopped answering: a connection
     * refused, reset or timed out, a statement cut by the socket timeout, a connection the pool could not make.
     * The pool's own timeout with no failed connection behind it is not: that pool is exhausted by this node's
     * load ({@link #isBusy}), and the store is fine.
     */
    public static boolean isUnavailable(Throwable failure) {
        boolean store = false;          // a socket error of the HTTP client (a broken pipe) is not the store's
        boolean unavailable = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (poolExhausted(t)) {
                return false;
            }
            store |= t instanceof SQLException || t instanceof DataAccessException || t instanceof TransactionException;
            unavailable |= t instanceof DataAccessResourceFailureException      // includes CannotGetJdbcConnectionException
                    || t instanceof TransientDataAccessResourceException
                    || t instanceof QueryTimeoutException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLTimeoutException
                    || t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")
                    || t instanceof SocketTimeoutException
                    || t instanceof SocketException;
        }
        return store && unavailable;
    }

    /**
     * {@code true} when the store is reachable but could not take the work now: a lock wait or deadlock lost to a
     * concurrent change, or every pooled connection in use for longer than the pool's connection timeout.
     * Nothing was changed; a retry will most likely pass.
     */
    public static boolean isBusy(Throwable failure) {
        if (isUnavailable(failure)) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (poolExhausted(t) || t instanceof TransientDataAccessException) {
                return true;
            }
        }
        return false;
    }

    /**
     * HikariCP's "Connection is not available" carries the last failed attempt to make or validate a connection as
     * its cause; a connection made since clears it. Without one, every connection is healthy and in use.
     */
    private static boolean poolExhausted(Throwable t) {
        return t instanceof SQLTransientConnectionException && t.getCause() == null;
    }

    /** Counts one failure at {@code place} ({@code device_api}, {@code wechat_notify}, {@code timers}, ...) and logs it, quietly. */
    public void report(String place, Throwable failure) {
        Place p = places.computeIfAbsent(place, k -> new Place(Counter.builder("vendpay_store_unavailable")
                .tag("place", k).description("Requests and timer ticks that found the store unreachable").register(meters)));
        p.counter.increment();
        p.since.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = p.loggedAt.get();
        if (now - last >= QUIET_MS && p.loggedAt.compareAndSet(last, now)) {
            log.warn("event=store.unavailable place={} failures={} cause=\"{}\" (requests are answered 503 {}, timer work stays due; "
                    + "one line per place per {} s)", place, p.since.getAndSet(0), Failures.rootMessage(failure), CODE, QUIET_MS / 1000);
        }
    }

    private record Place(Counter counter, AtomicLong since, AtomicLong loggedAt) {
        Place(Counter counter) {
            this(counter, new AtomicLong(), new AtomicLong());
        }
    }
}
