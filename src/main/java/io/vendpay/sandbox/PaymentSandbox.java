package io.vendpay.sandbox;

import java.util.Map;
import java.util.Optional;

/**
 * The payment sandbox as the simulated world (and tests) drive it: a customer paying a QR code,
 * the signed notifications a channel would send, and faults a real channel shows now and then.
 * Only present on the embedded default.
 */
public interface PaymentSandbox {

    /**
     * A sandbox of its own, outside any vendpay node (the bench's, a test's with several nodes): both
     * channels on {@code port}, merchant keys under {@code dataDir}, created there on first use.
     */
    static Standalone standalone(java.nio.file.Path dataDir, int port, double timeScale) {
        return io.vendpay.sandbox.internal.ChannelSandbox.standalone(dataDir, port, timeScale);
    }

    /**
     * The {@code vendpay.channels.*} settings that make a vendpay node talk to this sandbox as to the real
     * WeChat Pay and Alipay, with the merchant keys under {@code dataDir} (the sandbox's own).
     */
    static Map<String, String> channelProperties(PaymentSandbox sandbox, java.nio.file.Path dataDir) {
        var merchant = SandboxCredentials.loadOrCreate(dataDir);
        var app = AlipaySandboxCredentials.loadOrCreate(dataDir);
        var p = new java.util.LinkedHashMap<String, String>();
        p.put("vendpay.channels.wechat.enabled", "true");
        p.put("vendpay.channels.wechat.api-base-url", sandbox.baseUrl());
        p.put("vendpay.channels.wechat.mchid", merchant.mchid());
        p.put("vendpay.channels.wechat.appid", merchant.appid());
        p.put("vendpay.channels.wechat.api-v3-key", merchant.apiV3Key());
        p.put("vendpay.channels.wechat.merchant-serial-no", merchant.merchantSerialNo());
        p.put("vendpay.channels.wechat.merchant-private-key", merchant.merchantPrivateKeyPem().toString());
        p.put("vendpay.channels.wechat.platform-public-key", merchant.platformPublicKeyPem().toString());
        p.put("vendpay.channels.wechat.platform-public-key-id", merchant.platformPublicKeyId());
        p.put("vendpay.channels.alipay.enabled", "true");
        p.put("vendpay.channels.alipay.gateway-url", sandbox.baseUrl() + "/gateway.do");
        p.put("vendpay.channels.alipay.app-id", app.appId());
        p.put("vendpay.channels.alipay.seller-id", app.sellerId());
        p.put("vendpay.channels.alipay.app-private-key", app.appPrivateKeyPem().toString());
        p.put("vendpay.channels.alipay.alipay-public-key", app.alipayPublicKeyPem().toString());
        return p;
    }

    /** Base URL of the sandbox's HTTP server (WeChat's API paths, Alipay's gateway, the customer controls). */
    String baseUrl();

    /**
     * The customer scans {@code qrCode} (WeChat or Alipay) and pays.
     *
     * @param amountFen what the customer pays; {@code null} for the order's amount
     * @param notify    whether the channel notifies the merchant (false: a notification lost for good)
     * @return the channel's transaction id
     */
    String pay(String qrCode, Long amountFen, boolean notify);

    /** As {@link #pay(String, Long, boolean)}, the notification delivered {@code copies} times at once (duplicates). */
    String pay(String qrCode, Long amountFen, boolean notify, int copies);

    /** The payment notification for a paid WeChat order, signed and encrypted now, exactly as it would be sent. */
    Optional<SignedRequest> paymentNotification(String outTradeNo);

    /**
     * The form parameters of the notification Alipay would send now for a paid trade with this
     * {@code trade_status} (e.g. TRADE_SUCCESS, or TRADE_FINISHED when the refund window closes), signed.
     */
    Map<String, String> alipayNotice(String outTradeNo, String tradeStatus);

    /** How many times each out_refund_no was requested, per channel's refund API. */
    Map<String, Integer> refundRequests();

    /** Notification deliveries so far, all channels: {@code attempts} (including re-sends) and {@code failed} attempts. */
    Map<String, Long> deliveries();

    /** Misbehaviour to inject into the next calls. */
    Faults faults();

    /** WeChat: issue a new platform certificate and sign with it from now on (certificate rotation). */
    String rotateWechatCertificate();

    /** WeChat: which key signs answers and notifications. */
    void wechatSigning(WechatSigning signing);

    /**
     * {@code MIGRATING} moves from certificate to public key the way WeChat moves merchants: 0.1 %, 1 %,
     * 5 %, 10 %, 20 %, 50 %, then 100 % of messages signed with the public key, one step per
     * {@code vendpay.sandbox.wechat-migration-step}.
     */
    enum WechatSigning { PUBLIC_KEY, CERTIFICATE, MIGRATING }

    /** A sandbox outside any Spring context ({@link #standalone}): whoever started it closes it. */
    interface Standalone extends PaymentSandbox, AutoCloseable {
        /** Stops the HTTP server and the notification senders and closes the books. */
        @Override
        void close();
    }

    /** An HTTP request as the channel would send it. */
    record SignedRequest(String path, Map<String, String> headers, byte[] body) {
    }

    /** Counters of faults still to inject; each injected fault decrements its counter. */
    interface Faults {
        /** The next {@code n} refund requests answer HTTP 500 (a transient channel failure). */
        void failRefundRequests(int n);

        /** The next {@code n} close requests answer HTTP 500 (the merchant then closes on its own side only). */
        void failCloseRequests(int n);

        /** The next {@code n} refunds end ABNORMAL instead of SUCCESS. */
        void abnormalRefunds(int n);

        /** The next {@code n} refund notifications are never sent (only a query tells the outcome). */
        void dropRefundNotifications(int n);

        /** The next {@code n} payment notifications are answered late: delivered only after this many ms. */
        void delayPaymentNotifications(int n, long millis);

        /**
         * A slow channel: for the next {@code forMillis} ms every API request (orders, queries, closes,
         * refunds) is answered only after {@code latencyMillis} ms (0 and 0 end it).
         */
        void slowApi(long latencyMillis, long forMillis);
    }
}
