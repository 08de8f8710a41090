package io.vendpay.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9 item 11 (HTTP): what Tomcat refuses before vendpay sees it is answered in the contract's JSON
 * error too, without Tomcat's page or version; the actuator's endpoints other than health, info and
 * prometheus need the operator token.
 */
@OnMariaDb
class TomcatRejectionsTest extends PlatformTest {

    @LocalServerPort
    int port;
    @Value("${vendpay.admin.token}")
    String token;

    @Test
    void badPercentEncodingInThePathIsAJsonError() {
        assertJsonError(RawHttp.exchange(port, RawHttp.head("GET /api/v1/device/orders/%ZZ HTTP/1.1", Map.of("Connection", "close")), 5000));
        assertJsonError(RawHttp.exchange(port, RawHttp.head("GET /api/v1/admin/orders/%00 HTTP/1.1", Map.of("Connection", "close")), 5000));
    }

    @Test
    void aNulInAHeaderIsAJsonError() {
        assertJsonError(RawHttp.exchange(port, RawHttp.head("GET /api/v1/admin/orders HTTP/1.1",
                Map.of("X-Evil", "a\u0000b", "Connection", "close")), 5000));
    }

    @Test
    void aTenThousandCharacterPathIsAJsonError() {
        assertJsonError(RawHttp.exchange(port, RawHttp.head("GET /api/v1/device/orders/" + "a".repeat(10_000) + " HTTP/1.1",
                Map.of("Connection", "close")), 5000));
    }

    @Test
    void anOversizedHeaderIsAJsonError() {
        assertJsonError(RawHttp.exchange(port, RawHttp.head("GET /actuator/health HTTP/1.1",
                Map.of("X-Big", "b".repeat(20_000), "Connection", "close")), 5000));
    }

    @Test
    void actuatorMetricsNeedTheOperatorTokenWhileHealthAndPrometheusStayOpen() {
        var anonymous = RawHttp.exchange(port, RawHttp.head("GET /actuator/metrics HTTP/1.1", Map.of("Connection", "close")), 5000);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(Json.read(anonymous.body()).path("code").asString()).isEqualTo("ADMIN_TOKEN_MISSING");
        var withToken = RawHttp.exchange(port, RawHttp.head("GET /actuator/metrics HTTP/1.1",
                Map.of("Authorization", "Bearer " + token, "Connection", "close")), 5000);
        assertThat(withToken.status()).isEqualTo(200);
        for (String open : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/prometheus", "/actuator/info"}) {
            var answer = RawHttp.exchange(port, RawHttp.head("GET " + open + " HTTP/1.1", Map.of("Connection", "close")), 5000);
            assertThat(answer.status()).as(open).isEqualTo(200);
        }
        var other = RawHttp.exchange(port, RawHttp.head("GET /actuator HTTP/1.1", Map.of("Connection", "close")), 5000);
        assertThat(other.status()).as("the actuator's index lists the endpoints: operators only").isEqualTo(401);
    }

    private static void assertJsonError(RawHttp.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isBetween(400, 499);
        assertThat(answer.header("Content-Type")).as(answer.body()).startsWith("application/json");
        assertThat(answer.body()).doesNotContainIgnoringCase("tomcat").doesNotContain("<html");
        JsonNode error = Json.read(answer.body());
        assertThat(error.path("code").asString()).isNotBlank();
        assertThat(error.path("message").asString()).isNotBlank();
        assertThat(answer.body().getBytes(StandardCharsets.UTF_8).length).isLessThan(1000);
    }
}
