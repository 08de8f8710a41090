package io.vendpay.bench.internal;

import java.io.PrintStream;
import java.util.Map;

/**
 * {@code java -jar vendpay.jar bench ...}: the peak simulator. Starts (or targets) a server, replays
 * the scenario, prints a live progress line and a summary, writes JSON and HTML, and exits non-zero
 * when the invariant audit finds anything.
 */
public final class BenchCommand {

    private BenchCommand() {
    }

    public static int run(String[] args) {
        PrintStream out = System.err;
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.print(BenchOptions.USAGE);
            return 0;
        }
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("bench: " + e.getMessage());
            out.print(BenchOptions.USAGE);
            return 2;
        }
        String runTag = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        Scenario scenario = Scenario.of(o);
        out.printf("bench: scenario %s, %d machines, %d s, peak x%.0f, seed %d%n", scenario.name(), scenario.machines(),
                scenario.duration().toSeconds(), scenario.peakMultiplier(), o.seed());
        try (BenchServer server = o.target() != null
                ? new TargetServer(o.target(), o.adminToken(), o.mqttUrl(), o.mqttUsername(), o.mqttPassword())
                : startServer(o, runTag, out)) {
            var run = new BenchRun(server, scenario, o.seed(), runTag, out, o.warmup(), o.chaosKillAt());
            Map<String, Object> result = o.findCapacity() ? run.findCapacity() : run.run();
            if (server instanceof LaunchedServer launched) {
                result.put("server_tuning", LaunchedServer.TUNING);
                result.put("server_log", launched.logFile().toString());
                if (o.jfr() != null && result.get("measured_window_ms") instanceof java.util.List<?> window) {
                    launched.close();    // the recording is written when the server exits
                    try {
                        result.put("profile", JfrProfile.of(o.jfr(), ((Number) window.get(0)).longValue(),
                                ((Number) window.get(1)).longValue()));
                    } catch (java.io.IOException | RuntimeException e) {
                        out.println("bench: could not read the recording " + o.jfr() + ": " + e);
                    }
                }
            }
            out.println();
            out.println("bench: results");
            out.print(BenchReport.summary(result));
            if (o.json() != null) {
                BenchReport.json(result, o.json());
                out.println("bench: wrote " + o.json());
            }
            if (o.html() != null) {
                BenchReport.html(result, o.html());
                out.println("bench: wrote " + o.html());
            }
            @SuppressWarnings("unchecked")
            var audit = (Map<String, Object>) result.get("audit");
            long broken = audit.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
            if (broken > 0) {
                out.println("bench: AUDIT FAILED: " + audit);
                return 1;
            }
            out.println("bench: audit clean");
            return 0;
        } catch (Exception e) {
            out.println();
            out.println("bench: failed: " + e);
            return 3;
        }
    }

    private static BenchServer startServer(BenchOptions o, String runTag, PrintStream out) throws Exception {
        out.printf("bench: starting a server on %s (heap capped at 512 MB)%n", o.store());
        return LaunchedServer.start(o, runTag);
    }
}
