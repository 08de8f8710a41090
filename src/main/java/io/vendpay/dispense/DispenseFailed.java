package io.vendpay.dispense;

/** The machine reports it could not dispense (e.g. {@code MOTOR_JAM}). Published once per command. */
public record DispenseFailed(String orderNo, String cmdId, String deviceId, String reason) {
}
