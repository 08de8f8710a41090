package io.vendpay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vendpay.testing.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The bench as a user runs it: {@code java -jar target/vendpay.jar bench ...}, starting its own
 * server from the jar on each store, a short lunch rush, exit status 0 and a clean audit. On H2 (the
 * embedded default) with {@code --chaos}: the server is killed with SIGKILL in the middle of the rush
 * and started again on the same files, and the audit must still be clean.
 */
class BenchCommandIT {

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void theBenchStartsAServerReplaysAShortRushAndAuditsClean(String store) throws Exception {
        Path jar = Path.of("target/vendpay.jar");
        assertThat(jar).exists();
        Path json = Files.createTempDirectory("bench-it").resolve("result.json");
        Path log = json.resolveSibling("bench.log");
        String java = ProcessHandle.current().info().command().orElse("java");

        var command = new java.util.ArrayList<>(List.of(java, "-jar", jar.toString(), "bench", "--scenario", "lunch-rush",
                "--store", store, "--machines", "80", "--duration", "12s", "--warmup", "3s", "--json", json.toString()));
        boolean chaos = store.equals("h2");
        if (chaos) {
            command.addAll(List.of("--chaos", "kill-server-at=6s"));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(6, TimeUnit.MINUTES);

        assertThat(finished).as("bench finished; log: " + log).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        JsonNode r = Json.read(Files.readString(json));
        assertThat(r.path("store").asString()).isEqualTo(store);
        assertThat(r.path("orders_completed").asLong()).isPositive();
        assertThat(r.path("server_heap_max_mb").asDouble()).isLessThanOrEqualTo(512);
        assertThat(r.path("db_pool_max_active").asLong()).isLessThanOrEqualTo(r.path("db_pool_size").asLong());
        r.path("audit").properties().forEach(e -> assertThat(e.getValue().asLong()).as(e.getKey()).isZero());
        if (chaos) {
            assertThat(r.path("chaos").path("down_ms").asLong()).as(r.path("chaos").toString()).isPositive();
            assertThat(r.path("chaos").path("backlog_cleared_ms").asLong()).as(r.path("chaos").toString()).isNotNegative();
        }
    }
}
