package io.vendpay.reconcile;

/** What a difference between a channel's bill and vendpay's books is. Names are part of the reports' JSON. */
public enum DiscrepancyKind {
    /** Paid in the bill, not paid locally: a lost notification. Fed through the notification path. */
    PAID_NOT_RECORDED,
    /** Paid locally on that day, absent from the bill. */
    RECORDED_NOT_IN_BILL,
    /** Both sides know the payment (or refund) with different amounts. */
    AMOUNT_MISMATCH,
    /** A refund in the bill that vendpay has no live record of. */
    REFUND_NOT_RECORDED,
    /** A refund vendpay counts as succeeded on that day, absent from the bill. */
    REFUND_NOT_IN_BILL
}
