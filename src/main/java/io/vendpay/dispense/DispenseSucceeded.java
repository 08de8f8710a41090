package io.vendpay.dispense;

/** The machine reports the goods left the machine. Published once per command. */
public record DispenseSucceeded(String orderNo, String cmdId, String deviceId) {
}
