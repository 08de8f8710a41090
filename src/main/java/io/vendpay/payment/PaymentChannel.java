package io.vendpay.payment;

public enum PaymentChannel {
    WECHAT,
    ALIPAY
}
