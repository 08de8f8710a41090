/**
 * Payment: the channels (WeChat Pay v3; Alipay comes with the money-flows work). Creating the QR
 * code, receiving the channels' notifications (verify, store durably, answer, then process on a
 * bounded pool), and refunds with deterministic refund numbers, retried until the channel settles them.
 * <p>
 * API: {@link io.vendpay.payment.PaymentGateway}, {@link io.vendpay.payment.Refunds}, and the events
 * {@link io.vendpay.payment.PaymentConfirmed} and {@link io.vendpay.payment.RefundSettled}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Payment")
package io.vendpay.payment;
