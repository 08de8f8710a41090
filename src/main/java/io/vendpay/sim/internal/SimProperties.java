package io.vendpay.sim.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The simulated fleet of the embedded default.
 *
 * @param machines             how many machines ({@code sim-001}, {@code sim-002}, ...)
 * @param orderEvery           mean time between two customers at one machine (exponentially distributed)
 * @param payDelay             mean time a customer takes to scan and pay
 * @param dispenseTime         how long the machine takes to vend
 * @param dispenseFailureRate  share of vends that fail (the order is refunded)
 * @param neverPayRate         share of customers who walk away without paying (the order expires)
 * @param alipayShare          share of customers who pay by Alipay rather than WeChat Pay
 */
@ConfigurationProperties("vendpay.sim")
record SimProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5") int machines,
        @DefaultValue("4s") Duration orderEvery,
        @DefaultValue("1500ms") Duration payDelay,
        @DefaultValue("400ms") Duration dispenseTime,
        @DefaultValue("0.05") double dispenseFailureRate,
        @DefaultValue("0.05") double neverPayRate,
        @DefaultValue("30s") Duration heartbeatEvery,
        @DefaultValue("0.3") double alipayShare) {
}
