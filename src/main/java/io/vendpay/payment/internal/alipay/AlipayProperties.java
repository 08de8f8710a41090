package io.vendpay.payment.internal.alipay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

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

    /** The app's private key (PKCS#8 PEM), parsed once: signing with a parsed key costs only the RSA operation. */
    PrivateKey parsedAppPrivateKey() {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(appPrivateKey, "app-private-key")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("vendpay.channels.alipay.app-private-key is not a PKCS#8 RSA private key", e);
        }
    }

    /** Alipay's public key (X.509 PEM), parsed once. */
    PublicKey parsedAlipayPublicKey() {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(alipayPublicKey, "alipay-public-key")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("vendpay.channels.alipay.alipay-public-key is not an X.509 RSA public key", e);
        }
    }

    private static byte[] der(String pemPath, String what) {
        String base64;
        try {
            base64 = Files.readString(Path.of(pemPath)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + what + " from " + pemPath, e);
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("vendpay.channels.alipay." + what + " (" + pemPath + ") is not PEM", e);
        }
    }
}
