package io.vendpay.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract section 2: every refused device request is 401 with a code, and leaves no trace in the order tables. */
@OnMariaDb
class DeviceAuthenticationTest extends PlatformTest {

    static final String PATH = "/api/v1/device/orders";
    static final String BODY = "{\"clientOrderId\":\"auth-1\",\"slot\":\"A1\",\"channel\":\"WECHAT\"}";

    TestMachine machine;
    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @BeforeEach
    void machine() {
        machine = TestMachine.provision(platform, 5);
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void missingHeadersAreRefused() {
        assertRefused(machine.send("POST", PATH, BODY, Map.of("X-Signature", "")), "SIGNATURE_MISSING");
        assertRefused(machine.send("POST", PATH, BODY, Map.of("X-Nonce", "")), "SIGNATURE_MISSING");
    }

    @Test
    void aWrongSignatureIsRefused() {
        assertRefused(machine.send("POST", PATH, BODY, Map.of("X-Signature", "0".repeat(64))), "SIGNATURE_MISMATCH");
    }

    @Test
    void aBodyOtherThanTheSignedOneIsRefused() {
        String ts = Long.toString(System.currentTimeMillis());
        String nonce = "nonce-tampered-0001";
        String signedForOtherBody = machine.sign("POST", PATH, ts, nonce, BODY.replace("A1", "A2"));
        assertRefused(machine.send("POST", PATH, BODY, Map.of("X-Timestamp", ts, "X-Nonce", nonce,
                "X-Signature", signedForOtherBody)), "SIGNATURE_MISMATCH");
    }

    @Test
    void aStaleTimestampIsRefusedEvenWhenSigned() {
        String ts = Long.toString(System.currentTimeMillis() - 301_000);
        String nonce = "nonce-stale-000001";
        assertRefused(machine.send("POST", PATH, BODY, Map.of("X-Timestamp", ts, "X-Nonce", nonce,
                "X-Signature", machine.sign("POST", PATH, ts, nonce, BODY))), "TIMESTAMP_STALE");
    }

    @Test
    void aReplayedNonceIsRefused() {
        String nonce = "nonce-replay-" + System.nanoTime();
        var first = machine.send("POST", PATH, BODY, Map.of("X-Nonce", nonce));
        assertThat(first.statusCode()).isEqualTo(201);
        var replay = machine.send("POST", PATH, BODY.replace("auth-1", "auth-2"), Map.of("X-Nonce", nonce));
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(Json.read(replay.body()).path("code").asString()).isEqualTo("NONCE_REPLAYED");
        assertThat(platform.count("SELECT COUNT(*) FROM orders WHERE device_id = ?", machine.deviceId)).isEqualTo(1);
    }

    @Test
    void anUnknownDeviceIsRefused() {
        assertRefused(machine.send("POST", PATH, BODY, Map.of("X-Device-Id", "no-such-device")), "DEVICE_UNKNOWN");
    }

    @Test
    void anotherDevicesOrderIsNotFound() {
        String orderNo = machine.newOrder().path("orderNo").asString();
        try (var other = TestMachine.provision(platform, 1)) {
            var r = other.signed("GET", "/api/v1/device/orders/" + orderNo, "");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(Json.read(r.body()).path("code").asString()).isEqualTo("ORDER_NOT_FOUND");
        }
    }

    /**
     * Ids are checked against the store before any signature: anyone can send them. Ids this node does
     * not know reach the store at most 50 times a second; the provisioned machine is not affected.
     */
    @Test
    void unknownDeviceIdsCostABoundedNumberOfStoreLookups() {
        double lookedUp = unknownIds("looked_up");
        double refused = unknownIds("refused_without_lookup");
        long from = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            assertRefused(machine.send("POST", PATH, BODY, Map.of("X-Device-Id", "ghost-" + i)), "DEVICE_UNKNOWN");
        }
        long windows = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - from) + 2;
        assertThat(unknownIds("looked_up") - lookedUp).as("store lookups of unknown ids in %d one-second windows", windows)
                .isLessThanOrEqualTo(50.0 * windows);
        assertThat(unknownIds("looked_up") - lookedUp + unknownIds("refused_without_lookup") - refused).isEqualTo(300.0);
        assertThat(machine.order("after-flood", "A1").statusCode()).isEqualTo(201);
    }

    private double unknownIds(String result) {
        var c = meters.find("vendpay_unknown_device_ids").tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    private void assertRefused(HttpResponse<String> r, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(Json.read(r.body()).path("code").asString()).isEqualTo(code);
        assertThat(Json.read(r.body()).path("message").asString()).isNotBlank();
        assertThat(platform.count("SELECT COUNT(*) FROM orders WHERE device_id = ?", machine.deviceId)).isZero();
        assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isZero();
    }
}
