package io.vendpay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import io.vendpay.testing.Json;
import io.vendpay.testing.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * A short lunch rush (seconds, a small fleet) through the real bench command against this test's
 * server: the generator, the operator surfaces it reads, the report files, and an audit at zero.
 * No timing assertions: only that the run completes, reports, and breaks no invariant.
 */
abstract class ShortRush extends PlatformTest {

    @Value("${vendpay.mqtt.simulator-username}")
    String simulatorUser;
    @Value("${vendpay.mqtt.simulator-password}")
    String simulatorPassword;

    @Test
    void aShortLunchRushCompletesWithACleanAudit() throws Exception {
        Path json = Files.createTempDirectory("bench").resolve("rush.json");

        int exit = Bench.run(new String[]{"--scenario", "lunch-rush", "--machines", "60", "--duration", "12s", "--warmup", "3s",
                "--target", platform.baseUrl(), "--admin-token", token(), "--mqtt-url", platform.mqttUrl(),
                "--mqtt-username", simulatorUser, "--mqtt-password", simulatorPassword, "--json", json.toString()});

        JsonNode r = Json.read(Files.readString(json));
        assertThat(exit).as(r.toPrettyString()).isZero();
        assertThat(r.path("orders_created").asLong()).isPositive();
        assertThat(r.path("orders_completed").asLong()).isPositive();
        r.path("audit").properties().forEach(e -> assertThat(e.getValue().asLong()).as(e.getKey()).isZero());
        for (String field : new String[]{"scenario", "store", "machines", "duration_s", "orders_completed_per_s_mean",
                "orders_completed_per_s_peak", "notifications_sent", "notifications_duplicate", "notify_ack_ms", "create_order_ms",
                "pay_to_dispense_cmd_ms", "pay_to_settled_ms", "http_errors", "shed_429", "db_pool_size", "db_pool_max_active",
                "db_pool_max_pending", "server_heap_max_mb", "server_cpu_s", "generator_cpu_s", "store_ceiling_commits_per_s", "audit"}) {
            assertThat(r.has(field)).as(field).isTrue();
        }
        assertThat(r.path("db_pool_max_active").asLong()).isLessThanOrEqualTo(r.path("db_pool_size").asLong());
        assertThat(Files.readString(json.resolveSibling("rush.html"))).contains("<svg");
    }

    private String token() {
        return platformToken;
    }

    @Value("${vendpay.admin.token}")
    String platformToken;
}
