package io.vendpay.reconcile.internal;

/** A bill that cannot be landed as it is: the message names the line and what is wrong with it. */
public class BillException extends RuntimeException {

    public BillException(String message) {
        super(message, null, false, false);
    }

    static BillException at(long line, String problem) {
        return new BillException("line " + line + ": " + problem);
    }
}
