package io.vendpay.payment.internal.alipay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Alipay app configuration (contract section 4; prefix {@code vendpay.channels.alipay}). On the
 * embedded default every value points at the sandbox app generated under the data directory.
 *
 * @param appPrivateKey   PEM path of the app's private key (PKCS#8): signs requests
 * @param alipayPublicKey PEM path of Alipay's public key: verifies answers and notifications
 * @param gatewayUrl      {@code https://openapi.alipay.com/gateway.do} in production
 * @param sellerId        when set, notifications for another seller are refused
 */
@ConfigurationProperties("vendpay.channels.alipay")
public record AlipayProperties(
        @DefaultValue("false") boolean enabled,
        String appId,
        String appPrivateKey,
        String alipayPublicKey,
        @DefaultValue("https://openapi.alipay.com/gateway.do") String gatewayUrl,
        String notifyBaseUrl,
        String sellerId,
        @DefaultValue("2000") int connectTimeoutMs,
        @DefaultValue("5000") int readTimeoutMs) {

    static final String NOTIFY_PATH = "/api/v1/pay/alipay/notify";

    void requireComplete() {
        var missing = new java.util.ArrayList<String>();
        if (appId == null || appId.isBlank()) missing.add("app-id");
        if (appPrivateKey == null || appPrivateKey.isBlank()) missing.add("app-private-key");
        if (alipayPublicKey == null || alipayPublicKey.isBlank()) missing.add("alipay-public-key");
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Alipay is enabled but vendpay.channels.alipay." + String.join(", ", missing)
                    + " is not set. Configure the app, or set vendpay.channels.alipay.enabled=false.");
        }
    }

    /** The SDK takes keys as bare base64 (no PEM armour). */
    static String base64Of(String pemPath, String what) {
        try {
            return Files.readString(Path.of(pemPath)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + what + " from " + pemPath, e);
        }
    }
}
