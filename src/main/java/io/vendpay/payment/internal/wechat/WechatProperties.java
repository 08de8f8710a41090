package io.vendpay.payment.internal.wechat;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * WeChat Pay v3 merchant configuration (contract section 4; prefix {@code vendpay.channels.wechat}).
 * On the embedded default every value points at the sandbox merchant generated under the data directory.
 *
 * @param merchantPrivateKey    PEM path of the merchant API private key (signs our requests)
 * @param platformPublicKey     PEM path of the WeChat Pay public key (verifies WeChat's signatures)
 * @param platformPublicKeyId   its id, {@code PUB_KEY_ID_...}; notifications name it in {@code Wechatpay-Serial}
 * @param platformCertificates  {@code auto} or PEM paths of platform certificates (certificate mode)
 * @param apiBaseUrl            scheme://host[:port] that API calls go to (the real one: https://api.mch.weixin.qq.com)
 * @param notifyBaseUrl         public base URL WeChat can reach; notify paths are appended to it
 * @param certificateRefreshMinInterval certificate mode: an unknown serial triggers a download at most this often
 */
@ConfigurationProperties("vendpay.channels.wechat")
public record WechatProperties(
        @DefaultValue("false") boolean enabled,
        String mchid,
        String appid,
        String apiV3Key,
        String merchantSerialNo,
        String merchantPrivateKey,
        String platformPublicKey,
        String platformPublicKeyId,
        List<String> platformCertificates,
        @DefaultValue("https://api.mch.weixin.qq.com") String apiBaseUrl,
        String notifyBaseUrl,
        @DefaultValue("2000") int connectTimeoutMs,
        @DefaultValue("5000") int readTimeoutMs,
        @DefaultValue("60s") java.time.Duration certificateRefreshMinInterval) {

    static final String NOTIFY_PATH = "/api/v1/pay/wechat/notify";
    static final String REFUND_NOTIFY_PATH = "/api/v1/pay/wechat/refund-notify";

    /** {@code platform-certificates: auto}: download them through the API and keep them fresh. */
    boolean autoCertificates() {
        return platformCertificates != null && platformCertificates.stream().anyMatch(c -> c.trim().equalsIgnoreCase("auto"));
    }

    /** Certificates given as PEM paths. */
    List<String> staticCertificates() {
        return platformCertificates == null ? List.of()
                : platformCertificates.stream().map(String::trim).filter(c -> !c.isEmpty() && !c.equalsIgnoreCase("auto")).toList();
    }

    void requireComplete() {
        var missing = new java.util.ArrayList<String>();
        if (blank(mchid)) missing.add("mchid");
        if (blank(appid)) missing.add("appid");
        if (blank(apiV3Key)) missing.add("api-v3-key");
        if (blank(merchantSerialNo)) missing.add("merchant-serial-no");
        if (blank(merchantPrivateKey)) missing.add("merchant-private-key");
        boolean publicKeyMode = !blank(platformPublicKey) || !blank(platformPublicKeyId);
        if (publicKeyMode && blank(platformPublicKey)) missing.add("platform-public-key");
        if (publicKeyMode && blank(platformPublicKeyId)) missing.add("platform-public-key-id");
        if (!publicKeyMode && (platformCertificates == null || platformCertificates.isEmpty())) {
            missing.add("platform-public-key + platform-public-key-id (public-key mode) or platform-certificates (certificate mode)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("WeChat Pay is enabled but vendpay.channels.wechat." + String.join(", ", missing)
                    + " is not set. Configure the merchant, or set vendpay.channels.wechat.enabled=false.");
        }
        if (apiV3Key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length != 32) {
            throw new IllegalStateException("vendpay.channels.wechat.api-v3-key must be the 32-byte APIv3 key");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
