package io.vendpay.ordering.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param paymentTimeout     an unpaid order expires this long after creation
 * @param createChannelCalls channels' create-payment calls in flight at once for new orders (each waits up to the
 *                           channel's read timeout on the channel, not on this platform); beyond it, after
 *                           {@code createChannelMaxWait}, a new order is answered 429 before anything is held
 */
@ConfigurationProperties("vendpay.ordering")
record OrderingProperties(
        @DefaultValue("2m") Duration paymentTimeout,
        @DefaultValue("32") int createChannelCalls,
        @DefaultValue("100ms") Duration createChannelMaxWait) {
}
