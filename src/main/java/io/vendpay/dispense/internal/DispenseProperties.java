package io.vendpay.dispense.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param resendAfter        re-publish an unanswered command this often (contract section 5)
 * @param unknownAfter       report the order DISPENSE_UNKNOWN when no result came this long after the command
 * @param unknownResendEvery re-publish interval once the order is DISPENSE_UNKNOWN (the machine is probably off)
 * @param giveUpResendAfter  stop re-publishing after this; the order stays DISPENSE_UNKNOWN for an operator
 * @param workers            threads that publish commands and record their acknowledgements
 */
@ConfigurationProperties("vendpay.dispense")
public record DispenseProperties(
        @DefaultValue("10s") Duration resendAfter,
        @DefaultValue("60s") Duration unknownAfter,
        @DefaultValue("60s") Duration unknownResendEvery,
        @DefaultValue("24h") Duration giveUpResendAfter,
        @DefaultValue("4") int workers,
        @DefaultValue("5000") int queueCapacity) {
}
