package io.vendpay.ordering.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param paymentTimeout       an unpaid order expires this long after creation
 * @param createConcurrency    order creations in progress at once; beyond it machines get 429 + Retry-After
 * @param createMaxWait        how long a creation may wait for a free place before it is shed
 */
@ConfigurationProperties("vendpay.ordering")
record OrderingProperties(
        @DefaultValue("2m") Duration paymentTimeout,
        @DefaultValue("48") int createConcurrency,
        @DefaultValue("100ms") Duration createMaxWait) {
}
