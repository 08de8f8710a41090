package io.vendpay.payment;

/** A call to a payment channel failed. {@code retryable}: a network fault or a channel-side error worth repeating. */
public class ChannelException extends RuntimeException {

    private final boolean retryable;
    private final String channelCode;

    public ChannelException(String message, String channelCode, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.channelCode = channelCode;
    }

    public boolean retryable() {
        return retryable;
    }

    public String channelCode() {
        return channelCode;
    }
}
