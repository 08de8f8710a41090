package io.vendpay.dispense;

/** No result {@code unknown-after} the command was created. Re-sends continue; a late result still settles. */
public record DispenseUnanswered(String orderNo, String cmdId, int sends) {
}
