package io.vendpay.payment.internal.wechat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import com.wechat.pay.java.core.cipher.Verifier;
import io.vendpay.shared.NativeCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys WeChat Pay signs with, picked per message by {@code Wechatpay-Serial}: the WeChat Pay
 * public key (its id {@code PUB_KEY_ID_...}) and/or platform certificates (by serial). Both may be
 * configured at once, as WeChat moves merchants from certificates to the public key gradually.
 * <p>
 * Certificates in {@code auto} mode are downloaded once, refreshed in the background, and
 * refreshed on demand when a message names a serial not yet known (a rotation), at most once per
 * {@code certificate-refresh-min-interval} (default 60 s) however many messages name it: never one
 * download per notification. A message refused meanwhile is simply re-sent by WeChat.
 */
final class WechatPlatformKeys implements Verifier {

    private static final Logger log = LoggerFactory.getLogger(WechatPlatformKeys.class);
    private static final ThreadLocal<Signature> RSA = NativeCrypto.signaturePerThread("SHA256withRSA");

    private final PublicKey publicKey;
    private final String publicKeyId;
    private final Supplier<Map<String, X509Certificate>> downloader;
    private final long minRefreshIntervalMs;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Map<String, X509Certificate> certificates;
    private volatile long lastRefreshAt;
    private volatile long refreshes;
    private io.micrometer.core.instrument.MeterRegistry meters;
    /** Each certificate's key parsed once by the installed provider (the certificate's own is the JDK's). */
    private final Map<X509Certificate, PublicKey> certificateKeys = new java.util.concurrent.ConcurrentHashMap<>();

    void meters(io.micrometer.core.instrument.MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * @param downloader null unless in {@code auto} mode
     */
    WechatPlatformKeys(PublicKey publicKey, String publicKeyId, Map<String, X509Certificate> certificates,
                       Supplier<Map<String, X509Certificate>> downloader, long minRefreshIntervalMs) {
        this.minRefreshIntervalMs = minRefreshIntervalMs;
        this.publicKey = publicKey;
        this.publicKeyId = publicKeyId;
        this.certificates = Map.copyOf(certificates);
        this.downloader = downloader;
    }

    @Override
    public boolean verify(String serial, String message, String signature) {
        if (serial == null) {
            return false;
        }
        try {
            Signature s = RSA.get();
            if (publicKey != null && serial.equals(publicKeyId)) {
                s.initVerify(publicKey);
            } else {
                X509Certificate c = certificates.get(serial.toUpperCase());
                if (c == null || c.getNotAfter().before(new Date())) {
                    return false;
                }
                s.initVerify(certificateKeys.computeIfAbsent(c, cert -> NativeCrypto.ownPublicKey(cert.getPublicKey())));
            }
            s.update(message.getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String getSerialNumber() {
        if (publicKeyId != null) {
            return publicKeyId;
        }
        return certificates.entrySet().stream().max((a, b) -> a.getValue().getNotAfter().compareTo(b.getValue().getNotAfter()))
                .map(Map.Entry::getKey).orElse(null);
    }

    boolean knows(String serial) {
        return serial != null && ((publicKeyId != null && serial.equals(publicKeyId)) || certificates.containsKey(serial.toUpperCase()));
    }

    /**
     * Whether {@code serial} names a key; an unknown serial triggers one certificate refresh,
     * unless one ran within the last minute (then the caller refuses, and the channel retries).
     */
    boolean knowsOrRefresh(String serial) {
        if (knows(serial) || downloader == null || serial == null || serial.startsWith("PUB_KEY_ID_")) {
            return knows(serial);
        }
        if (System.currentTimeMillis() - lastRefreshAt >= minRefreshIntervalMs) {
            refresh("unknown serial " + serial);
        }
        return knows(serial);
    }

    /** Downloads the current certificates; keeps the ones already known that have not expired. */
    void refresh(String why) {
        if (downloader == null) {
            return;
        }
        refreshing.lock();
        try {
            long start = System.currentTimeMillis();
            if (why.startsWith("unknown") && start - lastRefreshAt < minRefreshIntervalMs) {
                return; // another thread refreshed while this one waited
            }
            lastRefreshAt = start;
            Map<String, X509Certificate> fresh = new HashMap<>();
            Date now = new Date();
            certificates.forEach((serial, cert) -> {
                if (cert.getNotAfter().after(now)) {
                    fresh.put(serial, cert);
                }
            });
            downloader.get().forEach((serial, cert) -> fresh.put(serial.toUpperCase(), cert));
            certificates = Map.copyOf(fresh);
            refreshes++;
            if (meters != null) {
                io.micrometer.core.instrument.Counter.builder("vendpay_wechat_certificate_refreshes")
                        .tag("reason", why.startsWith("unknown") ? "unknown_serial" : why)
                        .description("Platform certificate downloads").register(meters).increment();
            }
            log.info("event=wechat.certificates_refreshed reason=\"{}\" serials={}", why, fresh.keySet());
        } catch (RuntimeException e) {
            log.warn("event=wechat.certificates_refresh_failed reason=\"{}\" error=\"{}\"", why, e.getMessage());
        } finally {
            refreshing.unlock();
        }
    }

    long refreshes() {
        return refreshes;
    }

    boolean autoMode() {
        return downloader != null;
    }
}
