package io.vendpay.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.RawHttp;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 9 item 1: every inbound body is bounded before it costs memory. A Content-Length over the
 * endpoint's limit is answered 413 at once, before a byte of the body is read; a chunked body is
 * cut off when it passes the limit. Each in the endpoint's own answer format.
 */
@OnMariaDb
class BodyLimitsTest extends PlatformTest {

    static final String WECHAT = "/api/v1/pay/wechat/notify";
    static final String ALIPAY = "/api/v1/pay/alipay/notify";
    static final int TWENTY_MB = 20 * 1024 * 1024;

    @LocalServerPort
    int port;
    @Value("${vendpay.data-dir}")
    String dataDir;
    @Autowired
    MeterRegistry meters;

    /** A refused body gives its share of the heap budget back, however it ended. */
    @AfterEach
    void theBodyBudgetIsGivenBack() {
        await("the heap budget of the refused bodies is given back").atMost(Duration.ofSeconds(15))
                .until(() -> meters.get("vendpay_http_body_buffered_bytes").gauge().value() == 0);
    }

    @Test
    void aTwentyMegabyteNotificationIsRefusedOnItsContentLengthBeforeItsBodyArrives() {
        var wechat = new WechatNotifications(dataDir);
        var headers = new LinkedHashMap<String, String>(Map.of("Content-Type", "application/json",
                "Wechatpay-Serial", wechat.merchant.platformPublicKeyId(), "Wechatpay-Timestamp", "1", "Wechatpay-Nonce", "n",
                "Wechatpay-Signature", "junk", "Content-Length", Integer.toString(TWENTY_MB)));
        long start = System.nanoTime();
        // only the head and 1 KB of the body are sent: the answer must not wait for the other 20 MB
        try (var c = RawHttp.open(port, 5000)) {
            c.send(RawHttp.concat(RawHttp.head("POST " + WECHAT + " HTTP/1.1", headers), new byte[1024]));
            var answer = c.answer();
            assertThat(answer.status()).isEqualTo(413);
            assertThat(Json.read(answer.body()).path("code").asString()).isEqualTo("FAIL");
            assertThat(Json.read(answer.body()).path("reason").asString()).isEqualTo("BODY_TOO_LARGE");
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
    }

    @Test
    void aChunkedNotificationIsCutOffWhenItPassesTheLimit() {
        byte[] chunk = new byte[32 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        var body = new StringBuilder();
        for (int i = 0; i < 8; i++) {    // 256 KB, over the 64 KB notify limit
            body.append(Integer.toHexString(chunk.length)).append("\r\n").append(new String(chunk, StandardCharsets.US_ASCII)).append("\r\n");
        }
        body.append("0\r\n\r\n");
        var answer = RawHttp.exchange(port, RawHttp.concat(RawHttp.head("POST " + WECHAT + " HTTP/1.1",
                Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked")),
                body.toString().getBytes(StandardCharsets.US_ASCII)), 5000);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(Json.read(answer.body()).path("reason").asString()).isEqualTo("BODY_TOO_LARGE");
    }

    @Test
    void anAlipayFormOverTheLimitIsAnsweredFailInAlipaysFormat() {
        try (var c = RawHttp.open(port, 5000)) {
            c.send(RawHttp.concat(RawHttp.head("POST " + ALIPAY + " HTTP/1.1", Map.of("Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8", "Content-Length", Integer.toString(TWENTY_MB))),
                    "sign=x&a=".getBytes(StandardCharsets.US_ASCII)));
            var answer = c.answer();
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.body()).isEqualTo("fail");
            assertThat(answer.header("X-Vendpay-Reason")).isEqualTo("BODY_TOO_LARGE");
        }
    }

    @Test
    void aDeviceBodyOverSixteenKilobytesIsAnswered413BeforeItIsRead() {
        try (var machine = TestMachine.provision(platform, 1)) {
            String ts = Long.toString(System.currentTimeMillis());
            var headers = Map.of("Content-Type", "application/json", "X-Device-Id", machine.deviceId, "X-Timestamp", ts,
                    "X-Nonce", "n-0123456789abcdef", "X-Signature", "0".repeat(64), "Content-Length", Integer.toString(TWENTY_MB));
            try (var c = RawHttp.open(port, 5000)) {
                c.send(RawHttp.head("POST /api/v1/device/orders HTTP/1.1", headers));
                var answer = c.answer();
                assertThat(answer.status()).isEqualTo(413);
                assertThat(Json.read(answer.body()).path("code").asString()).isEqualTo("BODY_TOO_LARGE");
            }
        }
    }

    @Test
    void anAdminBodyOverItsLimitIsAnswered413() {
        String big = "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\",\"slots\":[]}";
        var answer = platform.admin("PUT", "/api/v1/admin/devices/big-body", big);
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(Json.read(answer.body()).path("code").asString()).isEqualTo("BODY_TOO_LARGE");
        assertThat(platform.count("SELECT COUNT(*) FROM device WHERE device_id = ?", "big-body")).isZero();
    }
}
