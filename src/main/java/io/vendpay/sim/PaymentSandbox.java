package io.vendpay.sim;

import java.util.Map;
import java.util.Optional;

/**
 * The payment sandbox as the simulated world (and tests) drive it: a customer paying a QR code,
 * and the signed notifications WeChat would send. Only present on the embedded default.
 */
public interface PaymentSandbox {

    /** Base URL of the sandbox's HTTP server (WeChat's API paths and the customer controls). */
    String baseUrl();

    /**
     * The customer scans {@code qrCode} and pays.
     *
     * @param amountFen what the customer pays; {@code null} for the order's amount
     * @param notify    whether the channel notifies the merchant (false: a notification lost for good)
     * @return the channel's transaction id
     */
    String pay(String qrCode, Long amountFen, boolean notify);

    /** The payment notification for a paid order, signed and encrypted now, exactly as it would be sent. */
    Optional<SignedRequest> paymentNotification(String outTradeNo);

    /** Refund requests the sandbox received, by out_refund_no (each counted once per call). */
    Map<String, Integer> refundRequests();

    /** An HTTP request as the channel would send it. */
    record SignedRequest(String path, Map<String, String> headers, byte[] body) {
    }
}
