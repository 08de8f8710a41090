package io.vendpay.dispense;

/** The broker took the command for the first time (PUBACK). */
public record DispenseCommandSent(String orderNo, String cmdId) {
}
