package io.vendpay.ordering.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param paymentTimeout an unpaid order expires this long after creation
 */
@ConfigurationProperties("vendpay.ordering")
record OrderingProperties(
        @DefaultValue("2m") Duration paymentTimeout) {
}
