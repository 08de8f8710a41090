package io.vendpay.payment.internal;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * {@code vendpay_notify_ack_seconds{channel,kind,result}}: how long the channels wait for our
 * answer, the number that decides whether they start re-sending. Published as a histogram so
 * p99 and p99.9 can be read from Prometheus across nodes.
 */
@Component
public class NotifyMetrics {

    private final MeterRegistry meters;

    NotifyMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void record(String channel, String kind, String result, long startNanos) {
        // a bounded set (2 channels x 2 kinds x a handful of results), each timer registered once
        timers.computeIfAbsent(channel + '/' + kind + '/' + result, k -> Timer.builder("vendpay_notify_ack")
                        .tags("channel", channel, "kind", kind, "result", result)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(java.time.Duration.ofMillis(1))
                        .maximumExpectedValue(java.time.Duration.ofSeconds(10))
                        .register(meters))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
}
