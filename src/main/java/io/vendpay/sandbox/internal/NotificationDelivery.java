package io.vendpay.sandbox.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.vendpay.shared.BoundedWorkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications the way the channels do: POST to the notify URL, success only for the
 * channel's success answer within 5 s, otherwise again on the channel's schedule (WeChat v3:
 * 15 s, 15 s, 30 s, 3 m, 10 m, 20 m, 30 m, 30 m, 30 m, 60 m, 3 h, 3 h, 3 h, 6 h, 6 h, 24 h 4 m in all),
 * each interval multiplied by the time scale. Each attempt is signed anew, so its timestamp is fresh.
 */
final class NotificationDelivery {

    static final long[] WECHAT_RETRY_SECONDS = {15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600};
    private static final Logger log = LoggerFactory.getLogger(NotificationDelivery.class);

    private final HttpClient http;
    private final java.util.concurrent.ScheduledThreadPoolExecutor timer =
            new java.util.concurrent.ScheduledThreadPoolExecutor(1, BoundedWorkers.daemonThreads("sandbox-notify"));
    /** Each attempt is signed anew (one RSA signature, ~1 ms): off the timer thread, on all cores. */
    private final java.util.concurrent.ExecutorService signers =
            Executors.newFixedThreadPool(4, BoundedWorkers.daemonThreads("sandbox-sign"));
    private final double timeScale;
    private final Duration answerDeadline;
    private final long[] retrySeconds;
    private final java.util.function.BiPredicate<Integer, String> accepted;
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong failures = new AtomicLong();

    long attempts() {
        return attempts.get();
    }

    long failures() {
        return failures.get();
    }

    /**
     * @param retrySeconds the channel's intervals between attempts
     * @param accepted     whether (status, body) counts as the merchant's success answer
     */
    NotificationDelivery(double timeScale, long[] retrySeconds, java.util.function.BiPredicate<Integer, String> accepted) {
        this.timeScale = timeScale;
        // the channels give the merchant 5 s to answer, whatever the time scale: a slower answer is a
        // failed attempt and is retried on the (scaled) schedule, as it would be for real
        this.answerDeadline = Duration.ofSeconds(5);
        this.retrySeconds = retrySeconds;
        this.accepted = accepted;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newFixedThreadPool(4, BoundedWorkers.daemonThreads("sandbox-http"))).build();
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** WeChat: HTTP 200 or 204; the body does not matter. */
    static boolean wechatAccepted(int status, String body) {
        return status == 200 || status == 204;
    }

    /** A notification: where to, and how to make a freshly signed request body + headers. */
    record Outgoing(String url, Supplier<Signed> sign) {
    }

    record Signed(Map<String, String> headers, String body, String contentType) {
        Signed(Map<String, String> headers, String body) {
            this(headers, body, "application/json");
        }
    }

    void deliver(Outgoing n, long delayMillis) {
        timer.schedule(() -> signers.execute(() -> attempt(n, 0)), scaled(delayMillis), TimeUnit.MILLISECONDS);
    }

    private void attempt(Outgoing n, int retry) {
        Signed s = n.sign().get();
        var request = HttpRequest.newBuilder(URI.create(n.url())).timeout(answerDeadline)
                .header("Content-Type", s.contentType())
                .POST(HttpRequest.BodyPublishers.ofString(s.body()));
        s.headers().forEach(request::header);
        attempts.incrementAndGet();
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            boolean ok = error == null && accepted.test(response.statusCode(), response.body());
            if (ok) {
                return;
            }
            failures.incrementAndGet();
            if (retry >= retrySeconds.length) {
                log.warn("event=sandbox.notify_gave_up url={} attempts={}", n.url(), retry + 1);
                return;
            }
            long wait = scaled(retrySeconds[retry] * 1000);
            log.debug("event=sandbox.notify_retry url={} status={} retry_in_ms={}", n.url(),
                    error != null ? error.toString() : response.statusCode(), wait);
            timer.schedule(() -> signers.execute(() -> attempt(n, retry + 1)), wait, TimeUnit.MILLISECONDS);
        });
    }

    long scaled(long millis) {
        return Math.max(0, Math.round(millis * timeScale));
    }

    void close() {
        timer.shutdownNow();
        signers.shutdownNow();
    }
}
