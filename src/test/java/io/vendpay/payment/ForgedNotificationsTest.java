package io.vendpay.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * Invariant 4: a notification that fails verification changes nothing. Each forgery is answered
 * 4xx with WeChat's {@code FAIL} body and vendpay's reason, nothing is stored, and the order the
 * forger targeted stays CREATED with no dispense command.
 */
@OnMariaDb
class ForgedNotificationsTest extends PlatformTest {

    static final String NOTIFY = "/api/v1/pay/wechat/notify";

    @Value("${vendpay.data-dir}")
    String dataDir;

    WechatNotifications wechat;
    TestMachine machine;
    String orderNo;

    @BeforeEach
    void anUnpaidOrder() {
        wechat = new WechatNotifications(dataDir);
        machine = TestMachine.provision(platform, 5);
        orderNo = machine.newOrder().path("orderNo").asString();
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() {
        var genuine = wechat.payment(orderNo, "4200000000000000000000000001", 350);
        byte[] tampered = new String(genuine.body(), StandardCharsets.UTF_8).replace("\"summary\":\"ok\"", "\"summary\":\"OK\"")
                .getBytes(StandardCharsets.UTF_8);
        assertRefused(platform.post(NOTIFY, genuine.headers(), tampered), 401, "SIGNATURE_INVALID");
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() {
        var forged = wechat.payment(orderNo, "4200000000000000000000000002", 350, wechat.merchant.mchid(),
                wechat.merchant.apiV3Key(), WechatNotifications.attackerKey(), wechat.merchant.platformPublicKeyId(), now());
        assertRefused(platform.post(NOTIFY, forged.headers(), forged.body()), 401, "SIGNATURE_INVALID");
    }

    @Test
    void anUnknownSerialIsRefused() {
        var forged = wechat.payment(orderNo, "4200000000000000000000000003", 350, wechat.merchant.mchid(),
                wechat.merchant.apiV3Key(), wechat.merchant.platformPrivateKey(), "PUB_KEY_ID_0000000000000000000000000000", now());
        assertRefused(platform.post(NOTIFY, forged.headers(), forged.body()), 401, "SERIAL_UNKNOWN");
    }

    @Test
    void aSignatureProbeIsRefused() {
        var genuine = wechat.payment(orderNo, "4200000000000000000000000004", 350);
        Map<String, String> headers = new LinkedHashMap<>(genuine.headers());
        headers.put("Wechatpay-Signature", "WECHATPAY/SIGNTEST/" + headers.get("Wechatpay-Signature"));
        assertRefused(platform.post(NOTIFY, headers, genuine.body()), 401, "SIGNATURE_PROBE");
    }

    @Test
    void aResourceThatDoesNotDecryptIsRefused() {
        var forged = wechat.payment(orderNo, "4200000000000000000000000005", 350, wechat.merchant.mchid(),
                "0123456789abcdef0123456789abcdef", wechat.merchant.platformPrivateKey(), wechat.merchant.platformPublicKeyId(), now());
        assertRefused(platform.post(NOTIFY, forged.headers(), forged.body()), 400, "RESOURCE_UNDECRYPTABLE");
    }

    @Test
    void aTimestampOutsideTheWindowIsRefused() {
        var stale = wechat.payment(orderNo, "4200000000000000000000000006", 350, wechat.merchant.mchid(),
                wechat.merchant.apiV3Key(), wechat.merchant.platformPrivateKey(), wechat.merchant.platformPublicKeyId(), now() - 301);
        assertRefused(platform.post(NOTIFY, stale.headers(), stale.body()), 401, "TIMESTAMP_OUT_OF_WINDOW");
        var future = wechat.payment(orderNo, "4200000000000000000000000007", 350, wechat.merchant.mchid(),
                wechat.merchant.apiV3Key(), wechat.merchant.platformPrivateKey(), wechat.merchant.platformPublicKeyId(), now() + 301);
        assertRefused(platform.post(NOTIFY, future.headers(), future.body()), 401, "TIMESTAMP_OUT_OF_WINDOW");
    }

    @Test
    void anotherMerchantsNotificationIsRefused() {
        var other = wechat.payment(orderNo, "4200000000000000000000000008", 350, "1999999999",
                wechat.merchant.apiV3Key(), wechat.merchant.platformPrivateKey(), wechat.merchant.platformPublicKeyId(), now());
        assertRefused(platform.post(NOTIFY, other.headers(), other.body()), 400, "MCHID_MISMATCH");
    }

    @Test
    void missingHeadersAndGarbageAreRefused() {
        assertRefused(platform.post(NOTIFY, Map.of(), "{}".getBytes(StandardCharsets.UTF_8)), 400, "HEADERS_MISSING");
        var genuine = wechat.payment(orderNo, "4200000000000000000000000009", 350);
        var garbage = wechat.signed("not json at all", wechat.merchant.platformPrivateKey(),
                wechat.merchant.platformPublicKeyId(), now());
        assertRefused(platform.post(NOTIFY, garbage.headers(), garbage.body()), 400, "RESOURCE_UNDECRYPTABLE");
        assertThat(genuine.body()).isNotEmpty();
    }

    private void assertRefused(HttpResponse<String> answer, int status, String reason) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        JsonNode body = io.vendpay.testing.Json.read(answer.body());
        assertThat(body.path("code").asString()).isEqualTo("FAIL");
        assertThat(body.path("reason").asString()).isEqualTo(reason);
        assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ?", orderNo)).isZero();
        assertThat(platform.status(orderNo)).isEqualTo("CREATED");
        assertThat(platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ?", orderNo)).isZero();
        assertThat(machine.nextCommand(0)).isNull();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
