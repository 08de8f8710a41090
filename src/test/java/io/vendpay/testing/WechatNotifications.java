package io.vendpay.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.vendpay.sandbox.SandboxCredentials;

/**
 * Builds WeChat Pay v3 notifications the way WeChat does (signed with the platform key,
 * resource sealed with AES-256-GCM under the APIv3 key), and lets a test break any one part:
 * the key that signs, the serial, the timestamp, the key that encrypts, the merchant inside.
 */
public final class WechatNotifications {

    public final SandboxCredentials merchant;

    public WechatNotifications(String dataDir) {
        this.merchant = SandboxCredentials.loadOrCreate(Path.of(dataDir));
    }

    public record Forged(Map<String, String> headers, byte[] body) {
    }

    /** A payment notification as WeChat would send it now. */
    public Forged payment(String outTradeNo, String transactionId, long amountFen) {
        return payment(outTradeNo, transactionId, amountFen, merchant.mchid(), merchant.apiV3Key(),
                merchant.platformPrivateKey(), merchant.platformPublicKeyId(), System.currentTimeMillis() / 1000);
    }

    /** A genuinely signed TRANSACTION.SUCCESS notification whose resource says {@code tradeState}. */
    public Forged payment(String outTradeNo, String transactionId, long amountFen, String tradeState) {
        return payment(outTradeNo, transactionId, amountFen, merchant.mchid(), merchant.apiV3Key(),
                merchant.platformPrivateKey(), merchant.platformPublicKeyId(), System.currentTimeMillis() / 1000, tradeState);
    }

    public Forged payment(String outTradeNo, String transactionId, long amountFen, String mchid, String apiV3Key,
                          PrivateKey signingKey, String serial, long timestampSeconds) {
        return payment(outTradeNo, transactionId, amountFen, mchid, apiV3Key, signingKey, serial, timestampSeconds, "SUCCESS");
    }

    public Forged payment(String outTradeNo, String transactionId, long amountFen, String mchid, String apiV3Key,
                          PrivateKey signingKey, String serial, long timestampSeconds, String tradeState) {
        String resource = "{\"mchid\":\"" + mchid + "\",\"appid\":\"" + merchant.appid() + "\",\"out_trade_no\":\"" + outTradeNo
                + "\",\"transaction_id\":\"" + transactionId + "\",\"trade_type\":\"NATIVE\",\"trade_state\":\"" + tradeState + "\","
                + "\"trade_state_desc\":\"ok\",\"bank_type\":\"OTHERS\",\"attach\":\"\",\"success_time\":\"2026-11-27T10:00:00+08:00\","
                + "\"payer\":{\"openid\":\"oTest\"},\"amount\":{\"total\":" + amountFen + ",\"payer_total\":" + amountFen
                + ",\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";
        String nonce = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String body = "{\"id\":\"" + UUID.randomUUID() + "\",\"create_time\":\"2026-11-27T10:00:00+08:00\","
                + "\"resource_type\":\"encrypt-resource\",\"event_type\":\"TRANSACTION.SUCCESS\",\"summary\":\"ok\","
                + "\"resource\":{\"original_type\":\"transaction\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\""
                + seal(resource, "transaction", nonce, apiV3Key) + "\",\"associated_data\":\"transaction\",\"nonce\":\"" + nonce + "\"}}";
        return signed(body, signingKey, serial, timestampSeconds);
    }

    /** A REFUND.SUCCESS notification for {@code outRefundNo}. */
    public Forged refund(String outTradeNo, String outRefundNo, long refundFen) {
        return refund(outTradeNo, outRefundNo, refundFen, "SUCCESS");
    }

    /** A genuinely signed REFUND.SUCCESS notification whose resource says {@code refundStatus}. */
    public Forged refund(String outTradeNo, String outRefundNo, long refundFen, String refundStatus) {
        String resource = "{\"mchid\":\"" + merchant.mchid() + "\",\"out_trade_no\":\"" + outTradeNo
                + "\",\"transaction_id\":\"4200000000000000000000009999\",\"out_refund_no\":\"" + outRefundNo
                + "\",\"refund_id\":\"50300000000000000000000000" + Math.abs(outRefundNo.hashCode() % 1000)
                + "\",\"refund_status\":\"" + refundStatus + "\",\"success_time\":\"2026-11-27T10:00:00+08:00\","
                + "\"user_received_account\":\"balance\",\"amount\":{\"total\":" + refundFen + ",\"refund\":" + refundFen
                + ",\"payer_total\":" + refundFen + ",\"payer_refund\":" + refundFen + "}}";
        String nonce = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String body = "{\"id\":\"" + UUID.randomUUID() + "\",\"create_time\":\"2026-11-27T10:00:00+08:00\","
                + "\"resource_type\":\"encrypt-resource\",\"event_type\":\"REFUND.SUCCESS\",\"summary\":\"ok\","
                + "\"resource\":{\"original_type\":\"refund\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\""
                + seal(resource, "refund", nonce, merchant.apiV3Key()) + "\",\"associated_data\":\"refund\",\"nonce\":\"" + nonce + "\"}}";
        return signed(body, merchant.platformPrivateKey(), merchant.platformPublicKeyId(), System.currentTimeMillis() / 1000);
    }

    /**
     * A notification envelope as WeChat sends it, genuinely encrypted and signed, around any {@code resource}
     * plaintext (for hostile-input tests: the signature holds, the content is what the test wants).
     */
    public Forged envelope(String eventType, String originalType, String resource) {
        String nonce = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String body = "{\"id\":\"" + UUID.randomUUID() + "\",\"create_time\":\"2026-11-27T10:00:00+08:00\","
                + "\"resource_type\":\"encrypt-resource\",\"event_type\":\"" + eventType + "\",\"summary\":\"ok\","
                + "\"resource\":{\"original_type\":\"" + originalType + "\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\""
                + seal(resource, originalType, nonce, merchant.apiV3Key()) + "\",\"associated_data\":\"" + originalType
                + "\",\"nonce\":\"" + nonce + "\"}}";
        return signed(body, merchant.platformPrivateKey(), merchant.platformPublicKeyId(), System.currentTimeMillis() / 1000);
    }

    public Forged signed(String body, PrivateKey key, String serial, long timestampSeconds) {
        String ts = Long.toString(timestampSeconds);
        String nonce = UUID.randomUUID().toString().replace("-", "");
        var h = new LinkedHashMap<String, String>();
        h.put("Content-Type", "application/json");
        h.put("Wechatpay-Serial", serial);
        h.put("Wechatpay-Timestamp", ts);
        h.put("Wechatpay-Nonce", nonce);
        h.put("Wechatpay-Signature", sign(ts + "\n" + nonce + "\n" + body + "\n", key));
        h.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        return new Forged(h, body.getBytes(StandardCharsets.UTF_8));
    }

    public static PrivateKey attackerKey() {
        try {
            var g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair().getPrivate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(String message, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String seal(String plaintext, String aad, String nonce, String key) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "AES"),
                    new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
