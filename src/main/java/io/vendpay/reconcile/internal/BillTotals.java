package io.vendpay.reconcile.internal;

/**
 * Running totals of the lines read so far: what a bill's summary section is checked against, and part
 * of the checkpoint (restored on resume, so the check still covers the whole file).
 */
final class BillTotals {
    long rows;
    long payCount;
    long payFen;
    long settleFen;
    long refundCount;
    long refundFen;
    long refundAskedFen;
    long feeMfen;
    long otherCount;
}
