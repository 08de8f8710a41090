package io.vendpay.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 9, items 8, 9 and 10: the operator API stores what it was sent or refuses it; a machine's stock
 * report is a count its slot can hold; a result naming another order than its command's settles nothing.
 */
@OnMariaDb
class OperatorAndMachineInputTest extends PlatformTest {

    @Autowired
    MeterRegistry meters;

    @ParameterizedTest
    @ValueSource(strings = {"\"priceFen\":350.9,\"stock\":2", "\"priceFen\":350,\"stock\":2.7", "\"priceFen\":\"350\",\"stock\":2",
            "\"priceFen\":3.5e2,\"stock\":2", "\"priceFen\":350,\"stock\":\"2\"", "\"priceFen\":350,\"stock\":true",
            "\"priceFen\":350.0,\"stock\":2"})
    void moneyAndCountsThatAreNotJsonIntegersAreRefusedNotRounded(String numbers) {
        String id = "n-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"name\":\"M\",\"location\":\"L\",\"slots\":[{\"slot\":\"A1\",\"productId\":\"p\",\"productName\":\"P\","
                + numbers + ",\"capacity\":10}]}";

        var answer = platform.admin("PUT", "/api/v1/admin/devices/" + id, body);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains("\"code\":\"MALFORMED_JSON\"");
        assertThat(platform.count("SELECT COUNT(*) FROM device WHERE device_id = ?", id)).isZero();
    }

    @Test
    void aPathParameterNeverProvisionsAnotherDevice() {
        String id = "p-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"name\":\"M\",\"location\":\"L\",\"slots\":[]}";

        var answer = platform.admin("PUT", "/api/v1/admin/devices/" + id + ";x", body);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("\"code\":\"PATH_INVALID\"");
        assertThat(platform.count("SELECT COUNT(*) FROM device WHERE device_id = ?", id)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"11", "2147483647", "1000", "-1", "2.7", "\"5\"", "null"})
    void aStockReportAboveCapacityOrNotAWholeCountIsRefusedWithAnAlert(String stock) {
        try (var machine = TestMachine.provision(platform, 4)) {
            double before = alerts("STOCK_REPORT_INVALID");

            machine.publish("{\"type\":\"STOCK\",\"slots\":[{\"slot\":\"A1\",\"stock\":" + stock + "}],\"ts\":" + System.currentTimeMillis() + "}");

            await().atMost(Duration.ofSeconds(10)).until(() -> alerts("STOCK_REPORT_INVALID") == before + 1);
            assertThat(platform.count("SELECT stock FROM slot WHERE device_id = ? AND slot = 'A1'", machine.deviceId)).isEqualTo(4);
        }
    }

    @Test
    void aStockReportWithinCapacityIsTaken() {
        try (var machine = TestMachine.provision(platform, 4)) {
            machine.publish("{\"type\":\"STOCK\",\"slots\":[{\"slot\":\"A1\",\"stock\":10}],\"ts\":" + System.currentTimeMillis() + "}");

            await().atMost(Duration.ofSeconds(10)).until(() ->
                    platform.count("SELECT stock FROM slot WHERE device_id = ? AND slot = 'A1'", machine.deviceId) == 10);
        }
    }

    @Test
    void aResultWhoseOrderIsNotItsCommandsSettlesNothingAndRaisesAnAlert() {
        try (var machine = TestMachine.provision(platform, 5)) {
            var first = machine.newOrder();
            platform.pay(first);
            var firstCommand = machine.nextCommand(10);
            var second = machine.newOrder();
            platform.pay(second);
            var secondCommand = machine.nextCommand(10);
            assertThat(firstCommand).isNotNull();
            assertThat(secondCommand).isNotNull();
            double before = alerts("DISPENSE_RESULT_MISMATCH");

            // a failure for the first command that names the second order: neither may be refunded from it
            machine.publish("{\"type\":\"DISPENSE_RESULT\",\"cmdId\":\"" + firstCommand.path("cmdId").asString() + "\",\"orderNo\":\""
                    + secondCommand.path("orderNo").asString() + "\",\"ok\":false,\"reason\":\"MOTOR_JAM\",\"ts\":" + System.currentTimeMillis() + "}");

            await().atMost(Duration.ofSeconds(10)).until(() -> alerts("DISPENSE_RESULT_MISMATCH") == before + 1);
            String firstNo = first.path("orderNo").asString();
            String secondNo = second.path("orderNo").asString();
            assertThat(platform.status(firstNo)).as(platform.story(firstNo)).isEqualTo("DISPENSING");
            assertThat(platform.status(secondNo)).as(platform.story(secondNo)).isEqualTo("DISPENSING");
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no IN (?, ?)", firstNo, secondNo)).isZero();

            machine.answer(firstCommand, true, null);
            machine.answer(secondCommand, true, null);
            platform.awaitStatus(firstNo, "DISPENSED", Duration.ofSeconds(10));
            platform.awaitStatus(secondNo, "DISPENSED", Duration.ofSeconds(10));
        }
    }

    private double alerts(String kind) {
        var c = meters.find("vendpay_alerts").tag("kind", kind).counter();
        return c == null ? 0 : c.count();
    }
}
