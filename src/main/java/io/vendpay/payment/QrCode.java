package io.vendpay.payment;

/** What the customer scans: WeChat's {@code code_url} or Alipay's {@code qr_code}. */
public record QrCode(String content) {
}
