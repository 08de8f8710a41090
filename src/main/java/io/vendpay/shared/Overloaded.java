package io.vendpay.shared;

import org.springframework.http.HttpStatus;

/** The platform sheds this request to stay responsive; answered 429 with {@code Retry-After}. */
public final class Overloaded extends ApiException {

    private final int retryAfterSeconds;

    public Overloaded(String what, int retryAfterSeconds) {
        super(HttpStatus.TOO_MANY_REQUESTS, "OVERLOADED",
                what + " is at capacity; retry after " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
