package io.vendpay.fleet;

/**
 * A machine published {@code DISPENSE_RESULT} on its {@code evt} topic. Published synchronously on
 * the MQTT inbound worker; the message is acknowledged to the broker only after listeners return.
 */
public record DispenseResultReported(String deviceId, String cmdId, String orderNo, boolean ok, String reason, long ts) {
}
