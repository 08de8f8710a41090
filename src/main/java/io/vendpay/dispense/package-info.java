/**
 * Dispense: turning a confirmed payment into goods. One command per order, with an id derived
 * from the order number; published over MQTT (QoS 1) only after the payment is committed,
 * re-published every {@code resend-after} until the machine answers, and reported as unanswered
 * after {@code unknown-after}. Results are idempotent by command id; a late one still settles.
 * <p>
 * API: {@link io.vendpay.dispense.Dispenser} and the events {@link io.vendpay.dispense.DispenseCommandSent},
 * {@link io.vendpay.dispense.DispenseSucceeded}, {@link io.vendpay.dispense.DispenseFailed},
 * {@link io.vendpay.dispense.DispenseUnanswered}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Dispense")
package io.vendpay.dispense;
