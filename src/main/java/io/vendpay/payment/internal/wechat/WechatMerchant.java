package io.vendpay.payment.internal.wechat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.wechat.pay.java.core.auth.Credential;
import com.wechat.pay.java.core.auth.Validator;
import com.wechat.pay.java.core.auth.WechatPay2Credential;
import com.wechat.pay.java.core.auth.WechatPay2Validator;
import com.wechat.pay.java.core.certificate.CertificateDownloader;
import com.wechat.pay.java.core.certificate.CertificateHandler;
import com.wechat.pay.java.core.cipher.AeadAesCipher;
import com.wechat.pay.java.core.cipher.AeadCipher;
import com.wechat.pay.java.core.cipher.SignatureResult;
import com.wechat.pay.java.core.cipher.Signer;
import com.wechat.pay.java.core.http.DefaultHttpClientBuilder;
import com.wechat.pay.java.core.http.HttpClient;
import com.wechat.pay.java.core.http.HttpHeaders;
import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.util.PemUtil;
import io.vendpay.shared.NativeCrypto;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.event.EventListener;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The merchant, loaded once: the request signer (merchant key), the verifier of WeChat's
 * signatures ({@link WechatPlatformKeys}: public key and/or platform certificates), the APIv3 key
 * for decryption, one {@link NotificationParser} for every notification, one SDK HTTP client.
 * The SDK always addresses api.mch.weixin.qq.com; an OkHttp interceptor points it at
 * {@code api-base-url} (the sandbox, a proxy), leaving the signed path unchanged.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.channels.wechat", name = "enabled", havingValue = "true")
class WechatMerchant {

    private static final Logger log = LoggerFactory.getLogger(WechatMerchant.class);
    private static final String CERTIFICATES_URL = "https://api.mch.weixin.qq.com/v3/certificates";

    private final WechatPlatformKeys keys;
    private final NotificationParser parser;
    private final AeadCipher cipher;
    private final HttpClient http;

    WechatMerchant(WechatProperties props, io.micrometer.core.instrument.MeterRegistry meters) {
        props.requireComplete();
        Credential credential;
        PublicKey publicKey = null;
        Map<String, X509Certificate> certificates = new HashMap<>();
        try {
            credential = new WechatPay2Credential(props.mchid(),
                    new MerchantSigner(props.merchantSerialNo(), PemUtil.loadPrivateKeyFromPath(props.merchantPrivateKey())));
            if (props.platformPublicKey() != null && !props.platformPublicKey().isBlank()) {
                publicKey = PemUtil.loadPublicKeyFromPath(props.platformPublicKey());
            }
            for (String pem : props.staticCertificates()) {
                X509Certificate c = PemUtil.loadX509FromPath(pem);
                certificates.put(PemUtil.getSerialNumber(c).toUpperCase(), c);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot load the WeChat Pay merchant keys (merchant-private-key="
                    + props.merchantPrivateKey() + ", platform-public-key=" + props.platformPublicKey()
                    + ", platform-certificates=" + props.platformCertificates() + "): " + e.getMessage(), e);
        }
        this.cipher = new AeadAesCipher(props.apiV3Key().getBytes(StandardCharsets.UTF_8));
        OkHttpClient ok = okHttp(props);
        var bootstrap = new DefaultHttpClientBuilder().credential(credential)
                .validator(new SelfSignedCertificateList(cipher, publicKey, props.platformPublicKeyId())).okHttpClient(ok).build();
        var downloader = new CertificateDownloader.Builder().downloadUrl(CERTIFICATES_URL).httpClient(bootstrap)
                .aeadCipher(cipher).certificateHandler(PEM_CERTIFICATES).build();
        this.keys = new WechatPlatformKeys(publicKey, blankToNull(props.platformPublicKeyId()), certificates,
                props.autoCertificates() ? downloader::download : null, props.certificateRefreshMinInterval().toMillis());
        keys.meters(meters);
        Validator responses = new RefreshingValidator(keys, new WechatPay2Validator(keys));
        this.http = new DefaultHttpClientBuilder().credential(credential).validator(responses).okHttpClient(ok).build();
        this.parser = new NotificationParser(Map.of("WECHATPAY2-SHA256-RSA2048", keys), Map.of("AEAD_AES_256_GCM", cipher));
    }

    NotificationParser parser() {
        return parser;
    }

    HttpClient http() {
        return http;
    }

    AeadCipher cipher() {
        return cipher;
    }

    WechatPlatformKeys keys() {
        return keys;
    }

    /** Certificate mode, auto: the first download in the background (the channel may come up after us), then hourly. */
    @EventListener(ApplicationReadyEvent.class)
    void firstDownload() {
        if (keys.autoMode()) {
            var t = new Thread(() -> keys.refresh("startup"), "wechat-certificates");
            t.setDaemon(true);
            t.start();
        }
    }

    @Scheduled(fixedDelayString = "${vendpay.channels.wechat.certificate-refresh-every:60m}", initialDelayString = "60m")
    void scheduledRefresh() {
        keys.refresh("scheduled");
    }

    static OkHttpClient okHttp(WechatProperties props) {
        HttpUrl base = HttpUrl.get(props.apiBaseUrl());
        String prefix = base.encodedPath().equals("/") ? "" : base.encodedPath().replaceAll("/$", "");
        Interceptor redirect = chain -> {
            HttpUrl url = chain.request().url();
            HttpUrl target = url.newBuilder().scheme(base.scheme()).host(base.host()).port(base.port())
                    .encodedPath(prefix + url.encodedPath()).build();
            return chain.proceed(chain.request().newBuilder().url(target).build());
        };
        return new OkHttpClient.Builder()
                .addInterceptor(redirect)
                .connectTimeout(props.connectTimeoutMs(), TimeUnit.MILLISECONDS)
                .readTimeout(props.readTimeoutMs(), TimeUnit.MILLISECONDS)
                .writeTimeout(props.readTimeoutMs(), TimeUnit.MILLISECONDS)
                .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
                .build();
    }

    /**
     * Certificates arrive encrypted under the APIv3 key, which only WeChat and the merchant hold;
     * that, not a chain to WeChat's root CA, is what makes them trustworthy here.
     */
    private static final CertificateHandler PEM_CERTIFICATES = new CertificateHandler() {
        @Override
        public X509Certificate generateCertificate(String pem) {
            return PemUtil.loadX509FromString(pem);
        }

        @Override
        public void validateCertPath(X509Certificate certificate) {
        }
    };

    /**
     * The merchant's SHA256withRSA over every API request, as the SDK's RSASigner but with one Signature per
     * thread: RSASigner asks the provider list for a new one on each request. The key is PemUtil's, parsed
     * by {@code KeyFactory.getInstance("RSA")}, so by the provider NativeCrypto installed before this bean.
     */
    private static final class MerchantSigner implements Signer {
        private static final ThreadLocal<Signature> RSA = NativeCrypto.signaturePerThread("SHA256withRSA");
        private final String serialNo;
        private final PrivateKey key;

        MerchantSigner(String serialNo, PrivateKey key) {
            this.serialNo = serialNo;
            this.key = key;
        }

        @Override
        public SignatureResult sign(String message) {
            try {
                Signature s = RSA.get();
                s.initSign(key);
                s.update(message.getBytes(StandardCharsets.UTF_8));
                return new SignatureResult(Base64.getEncoder().encodeToString(s.sign()), serialNo);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot sign with the merchant key", e);
            }
        }

        @Override
        public String getAlgorithm() {
            return "SHA256-RSA2048";
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Verifies API answers; an answer signed with an unknown serial first triggers one certificate refresh. */
    private record RefreshingValidator(WechatPlatformKeys keys, Validator delegate) implements Validator {
        @Override
        public <T> boolean validate(HttpHeaders headers, String body) {
            keys.knowsOrRefresh(headers.getHeader("Wechatpay-Serial"));
            return delegate.validate(headers, body);
        }

        @Override
        public <T> String getSerialNumber() {
            return keys.getSerialNumber();
        }
    }

    /**
     * Verifies the certificate-download answer itself: it is signed with one of the certificates it
     * carries (or the public key), which only WeChat could have encrypted under our APIv3 key.
     */
    private static final class SelfSignedCertificateList implements Validator {
        private final AeadCipher cipher;
        private final PublicKey publicKey;
        private final String publicKeyId;

        SelfSignedCertificateList(AeadCipher cipher, PublicKey publicKey, String publicKeyId) {
            this.cipher = cipher;
            this.publicKey = publicKey;
            this.publicKeyId = publicKeyId;
        }

        @Override
        public <T> boolean validate(HttpHeaders headers, String body) {
            try {
                Map<String, X509Certificate> carried = new HashMap<>();
                JsonObject list = JsonParser.parseString(body).getAsJsonObject();
                for (var item : list.getAsJsonArray("data")) {
                    JsonObject e = item.getAsJsonObject().getAsJsonObject("encrypt_certificate");
                    String pem = cipher.decrypt(e.get("associated_data").getAsString().getBytes(StandardCharsets.UTF_8),
                            e.get("nonce").getAsString().getBytes(StandardCharsets.UTF_8),
                            Base64.getDecoder().decode(e.get("ciphertext").getAsString()));
                    carried.put(item.getAsJsonObject().get("serial_no").getAsString().toUpperCase(), PEM_CERTIFICATES.generateCertificate(pem));
                }
                var verifier = new WechatPlatformKeys(publicKey, publicKeyId, carried, null, 0);
                return new WechatPay2Validator(verifier).validate(headers, body);
            } catch (RuntimeException e) {
                log.warn("event=wechat.certificate_list_invalid error=\"{}\"", e.getMessage());
                return false;
            }
        }

        @Override
        public <T> String getSerialNumber() {
            return publicKeyId;
        }
    }
}
