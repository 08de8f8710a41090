package io.vendpay.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.vendpay.testing.Concurrently;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.RawHttp;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.WechatNotifications;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 9 item 2: a trickle of slow uploads (40 to the device API, 80 to the WeChat notify endpoint,
 * each having sent its head and one byte of a 1 KB body) holds neither the device API's admission
 * places nor Tomcat's threads: machines keep ordering, health answers, a genuine notification is stored.
 */
@OnMariaDb
class SlowUploadsTest extends PlatformTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @LocalServerPort
    int port;
    @Value("${vendpay.data-dir}")
    String dataDir;
    @Autowired
    MeterRegistry meters;

    private final List<RawHttp> slow = new ArrayList<>();

    @AfterEach
    void closeSlowClients() {
        slow.forEach(RawHttp::close);
    }

    @Test
    void slowUploadsHoldNoAdmissionPlaceAndNoThread() throws Exception {
        var wechat = new WechatNotifications(dataDir);
        try (var machine = TestMachine.provision(platform, 40)) {
            for (int i = 0; i < 40; i++) {
                slow.add(startSlowUpload("/api/v1/device/orders", Map.of("X-Device-Id", machine.deviceId,
                        "X-Timestamp", Long.toString(System.currentTimeMillis()), "X-Nonce", UUID.randomUUID().toString(),
                        "X-Signature", "0".repeat(64))));
            }
            for (int i = 0; i < 80; i++) {
                slow.add(startSlowUpload("/api/v1/pay/wechat/notify", Map.of("Wechatpay-Serial", wechat.merchant.platformPublicKeyId(),
                        "Wechatpay-Timestamp", Long.toString(System.currentTimeMillis() / 1000), "Wechatpay-Nonce", "n",
                        "Wechatpay-Signature", "junk")));
            }

            long start = System.nanoTime();
            var health = HTTP.send(HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/actuator/health"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat((System.nanoTime() - start) / 1_000_000).as("health answered within 1 s").isLessThan(1000);

            List<Integer> statuses = Concurrently.run(16, i -> machine.order("slow-" + UUID.randomUUID(), "A1").statusCode());
            assertThat(statuses).as("machine orders while 120 slow uploads are open").containsOnly(201);

            String orderNo = machine.newOrder().path("orderNo").asString();
            var genuine = wechat.payment(orderNo, "42000000000000000000" + (System.nanoTime() % 100_000_000), 350);
            assertThat(platform.post("/api/v1/pay/wechat/notify", genuine.headers(), genuine.body()).statusCode()).isEqualTo(200);
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ?", orderNo)).isEqualTo(1);
            assertThat(slow).as("the slow clients were still connected while the others were served")
                    .filteredOn(c -> !c.isClosedByPeer()).hasSizeGreaterThan(100);
        }
        slow.forEach(RawHttp::close);
        await("the heap budget of the abandoned bodies is given back").atMost(Duration.ofSeconds(15))
                .until(() -> meters.get("vendpay_http_body_buffered_bytes").gauge().value() == 0);
    }

    private RawHttp startSlowUpload(String path, Map<String, String> headers) {
        var all = new java.util.LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        all.put("Content-Length", "1024");
        var c = RawHttp.open(port, 5000);
        c.send(RawHttp.concat(RawHttp.head("POST " + path + " HTTP/1.1", all), new byte[] {'{'}));
        return c;
    }
}
