package io.vendpay.reconcile.internal;

/** One landable line of a bill, parsed; reused from line to line. */
final class BillLine {

    static final String PAYMENT = "P";
    static final String REFUND = "R";

    String kind;
    /** out_trade_no for a payment, out_refund_no for a refund: the diff's key. */
    String tradeKey;
    String outTradeNo;
    String transactionId;
    String refundId;
    long amountFen;
    long feeMfen;
    long tradedAt;
    String state;
    long lineNo;
}
