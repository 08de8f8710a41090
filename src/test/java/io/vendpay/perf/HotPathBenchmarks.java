package io.vendpay.perf;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.alipay.api.internal.util.AlipaySignature;
import com.wechat.pay.java.core.RSAPublicKeyConfig;
import com.wechat.pay.java.core.auth.Credential;
import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.service.payments.model.Transaction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The fixed CPU costs every order pays on the platform's side, and the channel's side that the
 * bench's sandbox pays on the same machine: what bounds orders per second per core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HotPathBenchmarks {

    private Credential merchantSigner;
    private NotificationParser parser;
    private RequestParam notification;
    private Map<String, String> alipayNotice;
    private String alipayPublicKey;
    private byte[] deviceKey;
    private KeyPair platform;
    private byte[] apiV3Key;
    private String prepayBody;

    @Setup
    public void setUp() throws Exception {
        var g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair merchant = g.generateKeyPair();
        platform = g.generateKeyPair();
        KeyPair alipay = g.generateKeyPair();
        String apiV3 = "0123456789abcdef0123456789ABCDEF";
        apiV3Key = apiV3.getBytes(StandardCharsets.UTF_8);
        var dir = Files.createTempDirectory("jmh");
        var merchantPem = dir.resolve("m.pem");
        var platformPem = dir.resolve("p.pem");
        Files.writeString(merchantPem, pem("PRIVATE KEY", merchant.getPrivate().getEncoded()));
        Files.writeString(platformPem, pem("PUBLIC KEY", platform.getPublic().getEncoded()));
        var config = new RSAPublicKeyConfig.Builder().merchantId("1900000001").privateKeyFromPath(merchantPem.toString())
                .merchantSerialNumber("ABCDEF0123456789ABCDEF0123456789ABCDEF01").publicKeyFromPath(platformPem.toString())
                .publicKeyId("PUB_KEY_ID_0100000000000000000000000000").apiV3Key(apiV3).build();
        merchantSigner = config.createCredential();
        parser = new NotificationParser(config);
        prepayBody = "{\"appid\":\"wx0000000000000000\",\"mchid\":\"1900000001\",\"description\":\"Cola 330ml\","
                + "\"out_trade_no\":\"V0384632306134597632\",\"time_expire\":\"2026-11-27T12:02:00+08:00\","
                + "\"notify_url\":\"https://pay.example.com/api/v1/pay/wechat/notify\",\"amount\":{\"total\":350,\"currency\":\"CNY\"}}";
        String body = wechatNotification();
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        notification = new RequestParam.Builder().serialNumber("PUB_KEY_ID_0100000000000000000000000000").nonce("n0nce")
                .signature(sign(ts + "\nn0nce\n" + body + "\n")).timestamp(ts).signType("WECHATPAY2-SHA256-RSA2048").body(body).build();
        alipayPublicKey = Base64.getEncoder().encodeToString(alipay.getPublic().getEncoded());
        var p = new TreeMap<String, String>(Map.of("app_id", "2021000000000001", "notify_type", "trade_status_sync",
                "out_trade_no", "V0384632306134597632", "trade_no", "2026112722001446880500001234", "trade_status", "TRADE_SUCCESS",
                "total_amount", "3.50", "gmt_payment", "2026-11-27 12:00:05", "seller_id", "2088102177649450",
                "notify_id", "2026112700222120005004001234567890", "subject", "Cola 330ml"));
        p.put("sign", AlipaySignature.rsaSign(AlipaySignature.getSignCheckContentV1(new HashMap<>(p)),
                Base64.getEncoder().encodeToString(alipay.getPrivate().getEncoded()), "UTF-8", "RSA2"));
        p.put("sign_type", "RSA2");
        alipayNotice = p;
        deviceKey = new byte[32];
    }

    /** Platform, once per WeChat API call (prepay, query, close, refund): the merchant's RSA-2048 signature. */
    @Benchmark
    public String wechatRequestSignature() {
        return merchantSigner.getAuthorization(URI.create("https://api.mch.weixin.qq.com/v3/pay/transactions/native"), "POST", prepayBody);
    }

    /** Platform, once per WeChat notification: RSA verify, AES-256-GCM decrypt, parse (the SDK's NotificationParser). */
    @Benchmark
    public Transaction wechatNotificationVerifyAndDecrypt() {
        return parser.parse(notification, Transaction.class);
    }

    /**
     * Alipay notification, RSA2 verify of the sorted parameters through the SDK's rsaCheckV1, which parses the key
     * text on every call; the platform now parses it once (AlipayCallBenchmarks.notificationDirect).
     */
    @Benchmark
    public boolean alipayNotificationVerify() throws Exception {
        return AlipaySignature.rsaCheckV1(new HashMap<>(alipayNotice), alipayPublicKey, "UTF-8", "RSA2");
    }

    /** Platform, once per device request: HMAC-SHA256 over method, path, timestamp, nonce and body. */
    @Benchmark
    public byte[] deviceRequestHmac() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(deviceKey, "HmacSHA256"));
        return mac.doFinal(("POST\n/api/v1/device/orders\n1795772689666\n0123456789abcdef0123\n"
                + "{\"clientOrderId\":\"sim-002-1795772689666-3\",\"slot\":\"A1\",\"channel\":\"WECHAT\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Channel side (the bench's sandbox on this machine), once per notification: encrypt and sign. */
    @Benchmark
    public String channelNotificationEncryptAndSign() throws Exception {
        return sign(wechatNotification());
    }

    private String wechatNotification() throws Exception {
        String resource = "{\"mchid\":\"1900000001\",\"appid\":\"wx0000000000000000\",\"out_trade_no\":\"V0384632306134597632\","
                + "\"transaction_id\":\"4200000000000000000000000001\",\"trade_type\":\"NATIVE\",\"trade_state\":\"SUCCESS\","
                + "\"success_time\":\"2026-11-27T12:00:05+08:00\",\"amount\":{\"total\":350,\"payer_total\":350,\"currency\":\"CNY\"}}";
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(apiV3Key, "AES"), new GCMParameterSpec(128, "0123456789ab".getBytes(StandardCharsets.UTF_8)));
        c.updateAAD("transaction".getBytes(StandardCharsets.UTF_8));
        String ct = Base64.getEncoder().encodeToString(c.doFinal(resource.getBytes(StandardCharsets.UTF_8)));
        return "{\"id\":\"EV-1\",\"event_type\":\"TRANSACTION.SUCCESS\",\"resource_type\":\"encrypt-resource\",\"resource\":{"
                + "\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"" + ct + "\",\"associated_data\":\"transaction\",\"nonce\":\"0123456789ab\"}}";
    }

    private String sign(String message) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(platform.getPrivate());
        s.update(message.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(s.sign());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
