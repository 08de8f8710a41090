package io.vendpay.dispense;

/** The machine reports the goods left the machine. Published once per command, with the command's slot. */
public record DispenseSucceeded(String orderNo, String cmdId, String deviceId, String slot) {

    /** Without the slot: the listener reads it from the order. */
    public DispenseSucceeded(String orderNo, String cmdId, String deviceId) {
        this(orderNo, cmdId, deviceId, null);
    }
}
