package io.vendpay.payment.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param workers            threads that process stored notifications (off the HTTP answer path)
 * @param queueCapacity      notifications waiting for a worker; beyond it they wait in the table for the sweeper
 * @param sweepAfter         a stored notification still unprocessed after this is picked up by the sweeper
 * @param notifyConcurrency  notification requests verified and stored at once; more wait up to {@code notifyMaxWait},
 *                           then are answered 503
 *                           (the channel retries) rather than queueing for a database connection
 * @param refundRetryMax     the longest pause between two attempts of a refund that failed transiently
 * @param refundQueryAfter   a refund accepted by the channel but not settled by a notification is queried this long
 *                           after, then at doubling intervals up to {@code refundQueryMax}
 */
@ConfigurationProperties("vendpay.payment")
public record PaymentProperties(
        @DefaultValue("4") int workers,
        @DefaultValue("2000") int queueCapacity,
        @DefaultValue("5s") Duration sweepAfter,
        @DefaultValue("16") int notifyConcurrency,
        @DefaultValue("500ms") Duration notifyMaxWait,
        @DefaultValue("5m") Duration refundRetryMax,
        @DefaultValue("60s") Duration refundQueryAfter,
        @DefaultValue("1h") Duration refundQueryMax,
        @DefaultValue("5") int maxAttempts) {
}
