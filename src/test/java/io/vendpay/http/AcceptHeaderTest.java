package io.vendpay.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.RawHttp;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 9 item 6: the APIs answer in their own type whatever the Accept header asks for. An answer is
 * never an HTML 406 after the work was done: either the order exists and the answer says so in JSON, or
 * the answer is the contract's JSON error and nothing was created.
 */
@OnMariaDb
@ExtendWith(OutputCaptureExtension.class)
class AcceptHeaderTest extends PlatformTest {

    @LocalServerPort
    int port;
    @Value("${vendpay.data-dir}")
    String dataDir;
    @Value("${vendpay.admin.token}")
    String token;

    @Test
    void aMachineAskingForHtmlGetsItsOrderAsJson(CapturedOutput log) {
        try (var machine = TestMachine.provision(platform, 2)) {
            var created = machine.send("POST", "/api/v1/device/orders",
                    "{\"clientOrderId\":\"html-1\",\"slot\":\"A1\",\"channel\":\"WECHAT\"}", Map.of("Accept", "text/html"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            String orderNo = Json.read(created.body()).path("orderNo").asString();
            assertThat(platform.count("SELECT COUNT(*) FROM orders WHERE order_no = ?", orderNo)).isEqualTo(1);

            var unknownSlot = machine.send("POST", "/api/v1/device/orders",
                    "{\"clientOrderId\":\"html-2\",\"slot\":\"Z9\",\"channel\":\"WECHAT\"}", Map.of("Accept", "text/html"));
            assertThat(unknownSlot.statusCode()).isEqualTo(404);
            assertThat(Json.read(unknownSlot.body()).path("code").asString()).isNotBlank();
            assertThat(platform.count("SELECT COUNT(*) FROM orders WHERE device_id = ?", machine.deviceId)).isEqualTo(1);

            var view = machine.send("GET", "/api/v1/device/orders/" + orderNo, "", Map.of("Accept", "image/png"));
            assertThat(view.statusCode()).isEqualTo(200);
            assertThat(Json.read(view.body()).path("status").asString()).isEqualTo("CREATED");
        }
        MalformedInputTest.assertNoErrorLogged(log);
    }

    @Test
    void anOperatorAskingForHtmlGetsJsonAnswersAndJsonErrors(CapturedOutput log) {
        var missing = RawHttp.exchange(port, RawHttp.head("GET /api/v1/admin/orders/NOPE000000 HTTP/1.1",
                Map.of("Authorization", "Bearer " + token, "Accept", "text/html", "Connection", "close")), 5000);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).startsWith("application/json");
        assertThat(Json.read(missing.body()).path("code").asString()).isNotBlank();

        var list = RawHttp.exchange(port, RawHttp.head("GET /api/v1/admin/orders?limit=1 HTTP/1.1",
                Map.of("Authorization", "Bearer " + token, "Accept", "text/html", "Connection", "close")), 5000);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.header("Content-Type")).startsWith("application/json");
        MalformedInputTest.assertNoErrorLogged(log);
    }

    @Test
    void aRefusedNotificationAskingForHtmlIsRefusedInWechatsFormat(CapturedOutput log) {
        var wechat = new WechatNotifications(dataDir);
        var forged = wechat.signed("{}", WechatNotifications.attackerKey(), wechat.merchant.platformPublicKeyId(),
                System.currentTimeMillis() / 1000);
        var headers = new LinkedHashMap<>(forged.headers());
        headers.put("Accept", "text/html");
        var answer = platform.post("/api/v1/pay/wechat/notify", headers, forged.body());
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(Json.read(answer.body()).path("code").asString()).isEqualTo("FAIL");
        MalformedInputTest.assertNoErrorLogged(log);
    }
}
