package io.vendpay.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.vendpay.sandbox.SandboxCommand;
import io.vendpay.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The command-line modes as an operator runs them ({@code vendpay sandbox bill ...}, then
 * {@code vendpay reconcile ...}), each in its own store-only context with the server's configuration
 * sources: the embedded H2 under a data directory, or a MariaDB URL. The reconcile JSON names the
 * same kinds, with the same counts, as the sandbox planted.
 */
class CommandLineTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void aSandboxDayIsReconciledFromTheCommandLineOnTheEmbeddedStore() throws Exception {
        List<String> store = List.of("--vendpay.data-dir=" + dir.resolve("data"));
        JsonNode planted = sandboxBill("WECHAT", "2031-02-01", 2000, 2, dir.resolve("w.csv.gz"), store);

        JsonNode report = reconcile("WECHAT", "2031-02-01", dir.resolve("w.csv.gz"), store, false);

        assertThat(report.path("rows").asLong()).isEqualTo(2000);
        assertThat(report.path("seconds").isNumber()).isTrue();
        assertThat(report.path("rows_per_s").asLong()).isPositive();
        assertThat(report.path("heap_max_mb").asLong()).isPositive();
        assertFoundAsPlanted(report, planted);
        assertThat(reconcile("WECHAT", "2031-02-01", dir.resolve("w.csv.gz"), store, false).path("already_reconciled").asBoolean())
                .isTrue();
    }

    @Test
    void anAlipayDayIsReconciledOnMariaDbWithTheRawLoadDataYardstick() throws Exception {
        String db = "vp_cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestStores.exec("CREATE DATABASE " + db);
        try {
            List<String> store = List.of("--vendpay.data-dir=" + dir.resolve("data"),
                    "--spring.datasource.url=" + TestStores.MARIADB_ROOT + db, "--spring.datasource.username=root",
                    "--spring.datasource.password=");
            JsonNode planted = sandboxBill("ALIPAY", "2031-02-02", 3000, 3, dir.resolve("a.csv"), store);

            JsonNode report = reconcile("ALIPAY", "2031-02-02", dir.resolve("a.csv"), store, true);

            assertFoundAsPlanted(report, planted);
            assertThat(report.path("landing").path("path").asString()).isEqualTo("LOAD_DATA");
            assertThat(report.path("raw_load_data").path("rows").asLong()).as("every line of the file, comments included")
                    .isEqualTo(3000 + 9);
            assertThat(report.path("raw_load_data").path("landing_to_raw_ratio").asDouble()).isPositive();
        } finally {
            TestStores.exec("DROP DATABASE IF EXISTS " + db);
        }
    }

    @Test
    void aRejectedBillAndBadArgumentsExitWithTheirOwnStatus() throws Exception {
        Path bill = Files.writeString(dir.resolve("empty.csv"), "");
        String[] rejected = {"--channel", "WECHAT", "--date", "2031-02-03", "--file", bill.toString(),
                "--vendpay.data-dir=" + dir.resolve("data")};
        assertThat(ReconcileCommand.run(rejected)).isEqualTo(1);
        assertThat(ReconcileCommand.run(new String[] {"--channel", "PAYPAL", "--date", "2031-02-03", "--file", "x"})).isEqualTo(2);
        assertThat(ReconcileCommand.run(new String[] {"--channel", "WECHAT", "--date", "yesterday", "--file", "x"})).isEqualTo(2);
        assertThat(SandboxCommand.run(new String[] {"bill", "--channel", "WECHAT", "--date", "2031-02-03"})).isEqualTo(2);
    }

    private JsonNode sandboxBill(String channel, String date, long rows, int plant, Path out, List<String> store) throws Exception {
        Path json = dir.resolve("planted-" + channel + ".json");
        var args = new ArrayList<>(List.of("bill", "--channel", channel, "--date", date, "--rows", Long.toString(rows), "--plant",
                Integer.toString(plant), "--out", out.toString(), "--json", json.toString()));
        args.addAll(store);
        assertThat(SandboxCommand.run(args.toArray(String[]::new))).isZero();
        return JSON.readTree(Files.readString(json));
    }

    private JsonNode reconcile(String channel, String date, Path file, List<String> store, boolean compareRaw) throws Exception {
        Path json = dir.resolve("report-" + UUID.randomUUID() + ".json");
        var args = new ArrayList<>(List.of("--channel", channel, "--date", date, "--file", file.toString(), "--json", json.toString()));
        if (compareRaw) {
            args.add("--compare-raw");
        }
        args.addAll(store);
        assertThat(ReconcileCommand.run(args.toArray(String[]::new))).isZero();
        return JSON.readTree(Files.readString(json));
    }

    private static void assertFoundAsPlanted(JsonNode report, JsonNode planted) {
        assertThat(planted.path("planted").size()).isEqualTo(DiscrepancyKind.values().length);
        planted.path("planted").properties().forEach(e -> assertThat(report.path("differences").path(e.getKey()).path("count").asLong())
                .as(e.getKey()).isEqualTo(e.getValue().asLong()));
    }
}
