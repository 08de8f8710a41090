package io.vendpay.ordering;

/** Order statuses exactly as contract section 3 names them. */
public enum OrderStatus {
    CREATED,
    PAID,
    DISPENSING,
    DISPENSED,
    DISPENSE_UNKNOWN,
    REFUNDING,
    REFUNDED,
    CLOSED;

    /** No further transition will ever happen. */
    public boolean isFinal() {
        return this == DISPENSED || this == REFUNDED;
    }
}
