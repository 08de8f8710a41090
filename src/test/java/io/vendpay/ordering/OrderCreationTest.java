package io.vendpay.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import io.vendpay.testing.Concurrently;
import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;

/** Contract section 2: idempotent creation, stock held by unpaid orders, clear refusals. */
@OnMariaDb
class OrderCreationTest extends PlatformTest {

    @Test
    void theSameClientOrderIdReturnsTheSameOrder() {
        try (var machine = TestMachine.provision(platform, 5)) {
            var first = machine.order("retry-1", "A1");
            var again = machine.order("retry-1", "A1");
            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(Json.read(again.body()).path("orderNo").asString()).isEqualTo(Json.read(first.body()).path("orderNo").asString());
            assertThat(Json.read(again.body()).path("qrCode").asString()).isEqualTo(Json.read(first.body()).path("qrCode").asString());
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isEqualTo(1);
        }
    }

    @Test
    void aRetryOfTheOrderHoldingTheLastUnitGetsThatOrderNotOutOfStock() {
        try (var machine = TestMachine.provision(platform, 1)) {
            var first = machine.order("last-unit", "A1");
            var retry = machine.order("last-unit", "A1");
            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(Json.read(retry.body()).path("orderNo").asString()).isEqualTo(Json.read(first.body()).path("orderNo").asString());
            assertThat(machine.order("someone-else", "A1").statusCode()).isEqualTo(409);
        }
    }

    @Test
    void concurrentRetriesOfOneClientOrderIdCreateOneOrder() throws Exception {
        try (var machine = TestMachine.provision(platform, 5)) {
            var answers = Concurrently.run(10, i -> machine.order("same-" + machine.deviceId, "A1"));
            assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200, 201);
            assertThat(answers).extracting(r -> Json.read(r.body()).path("orderNo").asString()).containsOnly(
                    Json.read(answers.get(0).body()).path("orderNo").asString());
            assertThat(platform.count("SELECT COUNT(*) FROM orders WHERE device_id = ?", machine.deviceId)).isEqualTo(1);
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isEqualTo(1);
        }
    }

    @Test
    void unpaidOrdersHoldStockSoTheLastUnitSellsOnce() throws Exception {
        try (var machine = TestMachine.provision(platform, 5)) {
            var answers = Concurrently.run(20, i -> machine.order("rush-" + i, "A1"));
            assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(5);
            assertThat(answers).filteredOn(r -> r.statusCode() == 409).hasSize(15)
                    .allSatisfy(r -> assertThat(Json.read(r.body()).path("code").asString()).isEqualTo("OUT_OF_STOCK"));
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isEqualTo(5);
            assertThat(platform.count("SELECT COUNT(*) FROM orders WHERE device_id = ?", machine.deviceId)).isEqualTo(5);
        }
    }

    @Test
    void badRequestsAreRefusedWithACodeAndStoreNothing() {
        try (var machine = TestMachine.provision(platform, 5)) {
            assertError(machine.order("x-1", "Z9"), 404, "SLOT_UNKNOWN");
            assertError(machine.signed("POST", "/api/v1/device/orders", "{\"clientOrderId\": \"x-2\", \"slot\": "), 400, "MALFORMED_JSON");
            assertError(machine.signed("POST", "/api/v1/device/orders", "{\"clientOrderId\":\"x-3\",\"slot\":\"A1\",\"channel\":\"PAYPAL\"}"),
                    400, "VALIDATION_FAILED");
            assertError(machine.signed("POST", "/api/v1/device/orders", "{\"slot\":\"A1\",\"channel\":\"WECHAT\"}"), 400, "VALIDATION_FAILED");
            assertError(machine.signed("POST", "/api/v1/device/orders",
                    "{\"clientOrderId\":\"" + "x".repeat(65) + "\",\"slot\":\"A1\",\"channel\":\"WECHAT\"}"), 400, "VALIDATION_FAILED");
            assertThat(platform.count("SELECT COUNT(*) FROM orders WHERE device_id = ?", machine.deviceId)).isZero();
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isZero();
        }
    }

    @Test
    void theOperatorApiNeedsTheToken() {
        var r = platform.post("/api/v1/admin/orders", java.util.Map.of("Authorization", "Bearer wrong"), new byte[0]);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Json.read(r.body()).path("code").asString()).isEqualTo("ADMIN_TOKEN_INVALID");
        var list = platform.admin("GET", "/api/v1/admin/orders?status=NOPE", null);
        assertThat(list.statusCode()).isEqualTo(400);
        assertThat(Json.read(list.body()).path("code").asString()).isEqualTo("BAD_PARAMETER");
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(Json.read(r.body()).path("code").asString()).isEqualTo(code);
    }
}
