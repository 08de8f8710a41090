package io.vendpay.shared;

/** The body of every error answer of the public APIs. {@code code} is stable; {@code message} is for people. */
public record ApiError(String code, String message) {
}
