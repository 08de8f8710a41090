package io.vendpay.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vendpay.testing.AlipayNotifications;
import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.RawHttp;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9 item 5: malformed input without credentials is a 4xx in the endpoint's answer format, never a
 * 5xx, and leaves no stack trace at ERROR. Alipay's GBK option is read and verified, not a crash.
 */
@OnMariaDb
@ExtendWith(OutputCaptureExtension.class)
class MalformedInputTest extends PlatformTest {

    static final String WECHAT = "/api/v1/pay/wechat/notify";
    static final String ALIPAY = "/api/v1/pay/alipay/notify";

    @LocalServerPort
    int port;
    @Value("${vendpay.data-dir}")
    String dataDir;
    @Value("${vendpay.admin.token}")
    String token;

    @ParameterizedTest(name = "Content-Type {0}")
    @ValueSource(strings = {"*/*", "application/*", "text/*"})
    void aWildcardContentTypeIsA4xxInEachEndpointsFormat(String contentType, CapturedOutput log) {
        var wechat = new WechatNotifications(dataDir);
        var forged = wechat.signed("{}", WechatNotifications.attackerKey(), wechat.merchant.platformPublicKeyId(),
                System.currentTimeMillis() / 1000);
        var headers = new LinkedHashMap<>(forged.headers());
        headers.put("Content-Type", contentType);
        var notify = platform.post(WECHAT, headers, forged.body());
        assertClientError(notify.statusCode(), notify.body());
        assertThat(Json.read(notify.body()).path("code").asString()).isEqualTo("FAIL");

        var refund = platform.post("/api/v1/pay/wechat/refund-notify", headers, forged.body());
        assertClientError(refund.statusCode(), refund.body());
        assertThat(Json.read(refund.body()).path("code").asString()).isEqualTo("FAIL");

        var alipay = platform.post(ALIPAY, Map.of("Content-Type", contentType), "sign=x".getBytes(StandardCharsets.UTF_8));
        assertClientError(alipay.statusCode(), alipay.body());
        assertThat(alipay.body()).isEqualTo("fail");

        var admin = RawHttp.exchange(port, RawHttp.concat(RawHttp.head("PUT /api/v1/admin/devices/ct-wild HTTP/1.1",
                Map.of("Authorization", "Bearer " + token, "Content-Type", contentType, "Content-Length", "2")),
                "{}".getBytes(StandardCharsets.UTF_8)), 5000);
        assertApiError(admin.status(), admin.body());

        try (var machine = TestMachine.provision(platform, 2)) {
            var device = machine.send("POST", "/api/v1/device/orders",
                    "{\"clientOrderId\":\"ct-1\",\"slot\":\"A1\",\"channel\":\"WECHAT\"}", Map.of("Content-Type", contentType));
            assertApiError(device.statusCode(), device.body());
            assertThat(platform.count("SELECT COUNT(*) FROM orders WHERE device_id = ?", machine.deviceId)).isZero();
        }
        assertNoErrorLogged(log);
    }

    @ParameterizedTest(name = "Alipay form {0}")
    @ValueSource(strings = {"sign=x&%ZZ=1", "%", "sign=%E4%B8", "a=1&&&=&b", "sign=x&charset=NOPE&a=%E4", "sign=x&charset=../../x"})
    void aBrokenAlipayFormIsAnsweredFail(String form, CapturedOutput log) {
        var answer = platform.post(ALIPAY, AlipayNotifications.formHeaders(), form.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(answer.statusCode()).isBetween(400, 499);
        assertThat(answer.body()).isEqualTo("fail");
        assertNoErrorLogged(log);
    }

    @Test
    void moreThanAThousandAlipayParametersMultipartGarbageAndAcceptJsonAreAnsweredFail(CapturedOutput log) {
        var many = new StringBuilder("sign=x");
        for (int i = 0; i < 1500; i++) {
            many.append("&p").append(i).append('=').append(i);
        }
        var tooMany = platform.post(ALIPAY, AlipayNotifications.formHeaders(), many.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(tooMany.statusCode()).isBetween(400, 499);
        assertThat(tooMany.body()).isEqualTo("fail");

        var multipart = platform.post(ALIPAY, Map.of("Content-Type", "multipart/form-data; boundary=zz"),
                "--zz\r\nContent-Disposition: form-data; name=\"sign\"\r\n\r\nx\r\n--zz-garbage".getBytes(StandardCharsets.US_ASCII));
        assertThat(multipart.statusCode()).isBetween(400, 499);
        assertThat(multipart.body()).isEqualTo("fail");

        var noBoundary = platform.post(ALIPAY, Map.of("Content-Type", "multipart/form-data"), "garbage".getBytes(StandardCharsets.US_ASCII));
        assertThat(noBoundary.statusCode()).isBetween(400, 499);
        assertThat(noBoundary.body()).isEqualTo("fail");

        var acceptJson = platform.post(ALIPAY, Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"),
                "sign=x&trade_no=1".getBytes(StandardCharsets.US_ASCII));
        assertThat(acceptJson.statusCode()).isEqualTo(400);
        assertThat(acceptJson.body()).isEqualTo("fail");
        assertNoErrorLogged(log);
    }

    @Test
    void aCorrectlySignedGbkNotificationWithChineseTextIsReadVerifiedAndProcessed(CapturedOutput log) {
        Charset gbk = Charset.forName("GBK");
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder("ALIPAY");
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.pay(order.path("qrCode").asString(), null, false);
            var notice = new LinkedHashMap<>(platform.sandbox.alipayNotice(orderNo, "TRADE_SUCCESS"));
            notice.put("charset", "GBK");
            notice.put("subject", "可口可乐 330毫升");
            notice.put("body", "自动售货机 A1 货道");
            var signed = new AlipayNotifications(dataDir).resign(notice, gbk);

            var answer = platform.post(ALIPAY, Map.of("Content-Type", "application/x-www-form-urlencoded; charset=GBK"),
                    AlipayNotifications.form(signed, gbk));

            assertThat(answer.statusCode()).as(answer.headers().map().toString()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("success");
            platform.awaitStatus(orderNo, "DISPENSING", java.time.Duration.ofSeconds(10));
            String payload = platform.sql.sql("SELECT payload FROM payment_notification WHERE out_trade_no = ? AND source = 'NOTIFY'")
                    .param(orderNo).query(String.class).single();
            assertThat(Json.read(payload).path("subject").asString()).isEqualTo("可口可乐 330毫升");
        }
        assertNoErrorLogged(log);
    }

    static void assertClientError(int status, String body) {
        assertThat(status).as(body).isBetween(400, 499);
    }

    static void assertApiError(int status, String body) {
        assertClientError(status, body);
        JsonNode error = Json.read(body);
        assertThat(error.path("code").asString()).isNotBlank();
        assertThat(error.path("message").asString()).isNotBlank();
    }

    static void assertNoErrorLogged(CapturedOutput log) {
        assertThat(log.getAll().lines().filter(l -> l.contains(" ERROR ") || l.startsWith("\tat ")))
                .as("ERROR lines or stack traces logged").isEmpty();
    }
}
