package io.vendpay.payment;

/**
 * A stored notification about {@code orderNo} failed every one of its processing attempts and was put
 * aside for an operator (a poison notification): its effect, a payment or a refund outcome, is not
 * applied until it is retried.
 */
public record NotificationQuarantined(String orderNo, long notificationId, String eventType, int attempts, String error) {
}
