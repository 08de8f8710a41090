package io.vendpay.payment.internal.alipay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import com.alipay.api.internal.util.AlipaySignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The requests vendpay signs are what Alipay's own SDK accepts; an answer is believed only when Alipay signed its exact text. */
class AlipayOpenApiTest {

    static final String METHOD = "alipay.trade.precreate";
    static KeyPair app;
    static KeyPair alipay;
    static AlipayOpenApi api;

    @BeforeAll
    static void keys() throws Exception {
        var g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        app = g.generateKeyPair();
        alipay = g.generateKeyPair();
        api = new AlipayOpenApi("http://127.0.0.1:9/gateway.do", "2021000000000001", app.getPrivate(), alipay.getPublic(), 1000, 1000,
                JsonMapper.builder().build());
    }

    @Test
    void aRequestIsSignedSoThatTheSdksCheckAcceptsIt() throws Exception {
        String biz = "{\"out_trade_no\":\"V0384632306134597632\",\"total_amount\":\"3.50\",\"subject\":\"可乐 330ml\","
                + "\"time_expire\":\"2026-11-27 12:02:00\"}";
        Map<String, String> common = api.signedParameters(METHOD, biz, "https://pay.example.com/api/v1/pay/alipay/notify", 1795772689666L);

        assertThat(common).containsEntry("app_id", "2021000000000001").containsEntry("method", METHOD)
                .containsEntry("format", "JSON").containsEntry("charset", "utf-8").containsEntry("sign_type", "RSA2")
                .containsEntry("version", "1.0").containsEntry("timestamp", "2026-11-27 17:44:49")
                .containsEntry("notify_url", "https://pay.example.com/api/v1/pay/alipay/notify").doesNotContainKey("biz_content");
        // what the gateway receives: the query's parameters and the body's biz_content, all but sign signed (sign_type too)
        var received = new HashMap<>(common);
        received.put("biz_content", biz);
        String appPublicKey = Base64.getEncoder().encodeToString(app.getPublic().getEncoded());
        assertThat(AlipaySignature.rsaCheckV2(new HashMap<>(received), appPublicKey, "utf-8", "RSA2")).isTrue();
        received.remove("sign");
        assertThat(AlipaySignature.rsa256CheckContent(AlipaySignature.getSignContent(received), common.get("sign"), appPublicKey, "utf-8"))
                .isTrue();

        received.put("biz_content", biz.replace("3.50", "0.01"));
        assertThat(AlipaySignature.rsa256CheckContent(AlipaySignature.getSignContent(received), common.get("sign"), appPublicKey, "utf-8"))
                .isFalse();
    }

    @Test
    void callsWithoutANotifyUrlDoNotSendOne() {
        assertThat(api.signedParameters("alipay.trade.query", "{\"out_trade_no\":\"V1\"}", null, 0L)).doesNotContainKey("notify_url");
    }

    @Test
    void anAnswerSignedByAlipayIsRead() throws Exception {
        String node = "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"V1\",\"qr_code\":\"https://qr.alipay.com/bax01\"}";
        String body = "{\"alipay_trade_precreate_response\":" + node + ",\"sign\":\"" + alipaySign(node) + "\"}";

        var answer = api.verifiedAnswer(METHOD, body);

        assertThat(answer.succeeded()).isTrue();
        assertThat(answer.qrCode()).isEqualTo("https://qr.alipay.com/bax01");
        assertThat(answer.body()).isEqualTo(body);
        // the sign may come first, and whitespace between the tokens is not part of the signed text
        assertThat(api.verifiedAnswer(METHOD, "{ \"sign\" : \"" + alipaySign(node) + "\" , \"alipay_trade_precreate_response\" : "
                + node + " }").qrCode()).isEqualTo("https://qr.alipay.com/bax01");
    }

    @Test
    void anAnswerSignedWithUnescapedSlashesIsReadAsTheSdkReadsIt() throws Exception {
        String signed = "{\"code\":\"10000\",\"msg\":\"Success\",\"qr_code\":\"https://qr.alipay.com/bax01\"}";
        String sent = signed.replace("/", "\\/");

        var answer = api.verifiedAnswer(METHOD, "{\"alipay_trade_precreate_response\":" + sent + ",\"sign\":\"" + alipaySign(signed) + "\"}");

        assertThat(answer.qrCode()).isEqualTo("https://qr.alipay.com/bax01");
    }

    @Test
    void aTamperedUnsignedOrForeignAnswerIsRefused() throws Exception {
        String node = "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026\",\"trade_status\":\"TRADE_SUCCESS\",\"total_amount\":\"3.50\"}";
        String sign = alipaySign(node);
        String tampered = node.replace("3.50", "350.00");

        assertRefused("alipay.trade.query", "{\"alipay_trade_query_response\":" + tampered + ",\"sign\":\"" + sign + "\"}");
        assertRefused("alipay.trade.query", "{\"alipay_trade_query_response\":" + node + "}");
        assertRefused("alipay.trade.query", "{\"alipay_trade_query_response\":" + node + ",\"sign\":\"\"}");
        // signed by the app's key instead of Alipay's
        assertRefused("alipay.trade.query", "{\"alipay_trade_query_response\":" + node + ",\"sign\":\""
                + sign(app, node) + "\"}");
        // a genuine answer to another method is not an answer to this one
        assertRefused("alipay.trade.query", "{\"alipay_trade_close_response\":" + node + ",\"sign\":\"" + sign + "\"}");
    }

    @Test
    void aHostileLayoutCannotMoveWhatIsVerified() throws Exception {
        String node = "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_status\":\"TRADE_SUCCESS\",\"total_amount\":\"3.50\"}";
        String sign = alipaySign(node);
        String forged = "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_status\":\"TRADE_SUCCESS\",\"total_amount\":\"999.00\"}";
        String root = "\"alipay_trade_query_response\":";

        // a second response object, before or after the signed one
        assertRefused("alipay.trade.query", "{" + root + forged + "," + root + node + ",\"sign\":\"" + sign + "\"}");
        assertRefused("alipay.trade.query", "{" + root + node + "," + root + forged + ",\"sign\":\"" + sign + "\"}");
        // the signed text hidden in a value, trailing content, a second sign, not an object, not JSON
        assertRefused("alipay.trade.query", "{" + root + forged + ",\"x\":\"" + node.replace("\"", "\\\"")
                + "\",\"sign\":\"" + sign + "\"}");
        assertRefused("alipay.trade.query", "{" + root + node + ",\"sign\":\"" + sign + "\"}" + "{" + root + forged + "}");
        assertRefused("alipay.trade.query", "{" + root + node + ",\"sign\":\"" + sign + "\",\"sign\":\"x\"}");
        assertRefused("alipay.trade.query", "{" + root + "\"10000\",\"sign\":\"" + sign + "\"}");
        assertRefused("alipay.trade.query", "<html>502 Bad Gateway</html>");
        assertRefused("alipay.trade.query", "");
    }

    @Test
    void aSignedAnswerWithFieldsOfTheWrongShapeIsRefused() throws Exception {
        String node = "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_status\":{\"nested\":true}}";

        assertRefused("alipay.trade.query", "{\"alipay_trade_query_response\":" + node + ",\"sign\":\"" + alipaySign(node) + "\"}");
    }

    @Test
    void theAppsOwnPublicKeyIsRefusedAsAlipaysKey() {
        assertThatThrownBy(() -> new AlipayOpenApi("http://127.0.0.1:9/gateway.do", "2021000000000001", app.getPrivate(), app.getPublic(),
                1000, 1000, JsonMapper.builder().build())).hasMessageContaining("the app's own public key");
    }

    @Test
    void aNotificationIsVerifiedOverTheSameTextAsTheSdksRsaCheckV1() throws Exception {
        var p = new TreeMap<>(Map.of("app_id", "2021000000000001", "trade_no", "2026112722001446880500001234",
                "out_trade_no", "V1", "trade_status", "TRADE_SUCCESS", "total_amount", "3.50", "subject", "可乐", "body", "",
                "sign_type", "RSA2"));

        assertThat(AlipayNotificationVerifier.signedContent(p)).isEqualTo(AlipaySignature.getSignCheckContentV1(new HashMap<>(p)));
    }

    private static void assertRefused(String method, String body) {
        assertThatThrownBy(() -> api.verifiedAnswer(method, body)).isInstanceOf(AlipayOpenApi.Untrusted.class);
    }

    private static String alipaySign(String text) throws Exception {
        return sign(alipay, text);
    }

    private static String sign(KeyPair keys, String text) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(keys.getPrivate());
        s.update(text.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(s.sign());
    }
}
