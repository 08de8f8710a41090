package io.vendpay.sandbox.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.vendpay.sandbox.SandboxCredentials;

/**
 * WeChat Pay's side of the v3 cryptography, as the sandbox needs it: verifying the merchant's
 * {@code Authorization} header, signing responses and notifications with the platform key
 * ({@code timestamp\nnonce\nbody\n}, SHA256withRSA), and encrypting notification resources with
 * AEAD_AES_256_GCM under the APIv3 key.
 */
final class WechatCrypto {

    private static final Pattern AUTH_FIELD = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final String ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final ThreadLocal<Signature> RSA = io.vendpay.shared.NativeCrypto.signaturePerThread("SHA256withRSA");
    private static final ThreadLocal<Cipher> AES_GCM = io.vendpay.shared.NativeCrypto.cipherPerThread("AES/GCM/NoPadding");

    private final SandboxCredentials merchant;
    private final PrivateKey platformKey;
    private static final double[] MIGRATION_SHARES = {0.001, 0.01, 0.05, 0.10, 0.20, 0.50, 1.0};

    private volatile SandboxCredentials.PlatformCertificate certificate;
    private volatile io.vendpay.sandbox.PaymentSandbox.WechatSigning signing = io.vendpay.sandbox.PaymentSandbox.WechatSigning.PUBLIC_KEY;
    private volatile long migrationStartedAt;
    private volatile long migrationStepMs = 86_400_000L;
    private final PublicKey merchantKey;
    private final byte[] apiV3Key;
    private final SecureRandom random = new SecureRandom();

    WechatCrypto(SandboxCredentials merchant) {
        this.merchant = merchant;
        this.platformKey = merchant.platformPrivateKey();
        this.merchantKey = merchant.merchantPublicKey();
        this.apiV3Key = merchant.apiV3Key().getBytes(StandardCharsets.UTF_8);
        var certs = merchant.certificates();
        this.certificate = certs.get(certs.size() - 1);
    }

    /** Which key signs from now on; {@code MIGRATING} starts WeChat's gradual switch now. */
    void signing(io.vendpay.sandbox.PaymentSandbox.WechatSigning mode, long migrationStepMs) {
        this.migrationStepMs = Math.max(1, migrationStepMs);
        this.migrationStartedAt = System.currentTimeMillis();
        this.signing = mode;
    }

    private boolean byCertificate() {
        return switch (signing) {
            case CERTIFICATE -> true;
            case PUBLIC_KEY -> false;
            case MIGRATING -> {
                int step = (int) Math.min(MIGRATION_SHARES.length - 1, (System.currentTimeMillis() - migrationStartedAt) / migrationStepMs);
                yield random.nextDouble() >= MIGRATION_SHARES[step];
            }
        };
    }

    void useCertificate(SandboxCredentials.PlatformCertificate newest) {
        this.certificate = newest;
    }

    /** {@code null} when the request is properly signed by the merchant, else what is wrong. */
    String checkMerchantSignature(String method, String pathWithQuery, String body, String authorization, long nowSeconds) {
        String prefix = "WECHATPAY2-SHA256-RSA2048 ";
        if (authorization == null || !authorization.startsWith(prefix)) {
            return "Authorization header missing or not WECHATPAY2-SHA256-RSA2048";
        }
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = AUTH_FIELD.matcher(authorization.substring(prefix.length()));
        while (m.find()) {
            f.put(m.group(1), m.group(2));
        }
        if (!merchant.mchid().equals(f.get("mchid"))) {
            return "mchid in Authorization is not the sandbox merchant";
        }
        if (!merchant.merchantSerialNo().equalsIgnoreCase(String.valueOf(f.get("serial_no")))) {
            return "serial_no does not name the merchant's API certificate";
        }
        long ts;
        try {
            ts = Long.parseLong(f.get("timestamp"));
        } catch (NumberFormatException e) {
            return "timestamp missing";
        }
        if (Math.abs(nowSeconds - ts) > 300) {
            return "timestamp expired";
        }
        String message = method + "\n" + pathWithQuery + "\n" + ts + "\n" + f.get("nonce_str") + "\n" + body + "\n";
        try {
            Signature s = RSA.get();
            s.initVerify(merchantKey);
            s.update(message.getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(f.get("signature"))) ? null : "signature does not verify";
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            return "signature unreadable";
        }
    }

    /** Headers WeChat puts on a signed response or notification over {@code body}. */
    Map<String, String> signedHeaders(String body) {
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        String nonce = randomString(32);
        var cert = certificate;
        boolean byCertificate = byCertificate();
        var h = new LinkedHashMap<String, String>();
        h.put("Wechatpay-Nonce", nonce);
        h.put("Wechatpay-Signature", sign(ts + "\n" + nonce + "\n" + body + "\n",
                byCertificate ? cert.privateKey() : platformKey));
        h.put("Wechatpay-Timestamp", ts);
        h.put("Wechatpay-Serial", byCertificate ? cert.serialNo() : merchant.platformPublicKeyId());
        h.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        h.put("Request-ID", "08" + randomString(30));
        return h;
    }

    String sign(String message, PrivateKey key) {
        try {
            Signature s = RSA.get();
            s.initSign(key);
            s.update(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code resource} object of a notification. */
    Map<String, String> encrypt(String plaintext, String associatedData, String originalType) {
        String nonce = randomString(12);
        try {
            Cipher c = AES_GCM.get();
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(apiV3Key, "AES"),
                    new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
            c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            var r = new LinkedHashMap<String, String>();
            r.put("original_type", originalType);
            r.put("algorithm", "AEAD_AES_256_GCM");
            r.put("ciphertext", Base64.getEncoder().encodeToString(sealed));
            r.put("associated_data", associatedData);
            r.put("nonce", nonce);
            return r;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String randomString(int n) {
        var b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHANUM.charAt(random.nextInt(ALPHANUM.length())));
        }
        return b.toString();
    }

    String randomDigits(int n) {
        var b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + random.nextInt(10)));
        }
        return b.toString();
    }

    SandboxCredentials merchant() {
        return merchant;
    }
}
