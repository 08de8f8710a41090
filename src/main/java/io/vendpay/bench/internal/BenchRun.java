package io.vendpay.bench.internal;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One bench run against one server: the store's commit ceiling first, then the fleet, the load
 * (sampling the server's Prometheus endpoint every second), the drain, and the invariant audit.
 * Everything it reports about the server it reads from the server's own operator surfaces
 * ({@code /actuator/prometheus} and {@code /api/v1/admin/*}), the numbers operators get in production.
 */
final class BenchRun {

    private static final String NOTIFY_ACK = "vendpay_notify_ack_seconds";

    private final BenchServer server;
    private final Scenario scenario;
    private final long seed;
    private final String runTag;
    private final PrintStream out;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<Map<String, Object>> series = new ArrayList<>();
    private double poolMaxActive;
    private double poolMaxPending;
    private double poolSize;
    private double heapMaxMb;
    private double ackMaxMs;

    private final java.time.Duration warmup;
    /** bench --chaos kill-server-at: when, into the measured load, the server is killed (null: never). */
    private final Duration killAt;
    private volatile boolean serverDown;
    private volatile int restarts;
    private volatile PrometheusScrape lastOfKilled;
    private final Map<String, Object> chaos = new LinkedHashMap<>();

    BenchRun(BenchServer server, Scenario scenario, long seed, String runTag, PrintStream out, java.time.Duration warmup) {
        this(server, scenario, seed, runTag, out, warmup, null);
    }

    BenchRun(BenchServer server, Scenario scenario, long seed, String runTag, PrintStream out, java.time.Duration warmup, Duration killAt) {
        if (killAt != null && !(server instanceof LaunchedServer)) {
            throw new IllegalArgumentException("--chaos needs a server the bench started itself");
        }
        this.killAt = killAt;
        this.warmup = warmup;
        this.server = server;
        this.scenario = scenario;
        this.seed = seed;
        this.runTag = runTag;
        this.out = out;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4, io.vendpay.shared.BoundedWorkers.daemonThreads("bench-http"))).build();
    }

    /** A scenario run: the rate follows the scenario's shape over its duration. */
    Map<String, Object> run() throws Exception {
        Map<String, Object> ceiling = storeCeiling();
        try (var fleet = new LoadFleet(server, runTag, http)) {
            fleet.growTo(scenario.machines(), out);
            try (var traffic = new Traffic(server, fleet, scenario, seed, http)) {
                fleet.connect(traffic::onCommand);
                long auditFrom = System.currentTimeMillis();
                warmUp(traffic, scenario.machines(), Math.max(scenario.fleetRate(0), MIN_WARMUP_RATE));
                long t0 = System.currentTimeMillis();
                PrometheusScrape before = scrape();
                long deliveriesBefore = server.customers().deliveryAttempts();
                double serverCpu0 = serverCpu(before);
                double jit0 = server.jitCpuSeconds();
                double generatorCpu0 = generatorCpu();
                Map<String, Long> store0 = server.storeCounters().read();
                var sampler = sample(traffic, before, t0, scenario.machines(), x -> scenario.fleetRate(x), scenario.duration());
                var killer = killAt == null ? null : killAndRestartAt(t0 + killAt.toMillis(), auditFrom);
                traffic.run(scenario.duration(), scenario.machines(), scenario::fleetRate);
                long loadEnd = System.currentTimeMillis();
                if (killer != null) {
                    killer.get();   // the restart and the clearing of its backlog are part of the run; a failure ends it
                    before = before.across(lastOfKilled);
                }
                double serverCpuUnderLoad = serverCpu(scrape()) - serverCpu0;
                drain(auditFrom);
                sampler.shutdownNow();
                Map<String, Long> store1 = server.storeCounters().read();
                PrometheusScrape after = scrape();
                var result = summary(traffic, before, after, t0, loadEnd, ceiling);
                result.put("notifications_sent", server.customers().deliveryAttempts() - deliveriesBefore);
                double serverCpu = serverCpu(after) - serverCpu0;
                double generatorCpu = generatorCpu() - generatorCpu0;
                result.put("server_cpu_s", round(serverCpu));
                result.put("generator_cpu_s", round(generatorCpu));
                long done = ((Number) result.get("orders_completed")).longValue();
                result.put("server_cpu_ms_per_order", round(serverCpu * 1000 / Math.max(1, done)));
                double jit = server.jitCpuSeconds() - jit0;
                if (!Double.isNaN(jit)) {
                    // the JIT's share is a fresh JVM's start-up cost, not the order's: both figures are reported
                    result.put("server_jit_cpu_s", round(jit));
                    result.put("server_cpu_ms_per_order_without_jit", round((serverCpu - jit) * 1000 / Math.max(1, done)));
                }
                result.put("generator_cpu_ms_per_order", round(generatorCpu * 1000 / Math.max(1, done)));
                result.putAll(StoreCounters.perOrder(store0, store1, done));
                result.put("server_cpu_share_of_one_core_under_load", Math.round(serverCpuUnderLoad / ((loadEnd - t0) / 1000.0) * 1000) / 1000.0);
                result.put("measured_window_ms", List.of(t0, System.currentTimeMillis()));
                result.put("warmup_s", warmup.toSeconds());
                result.put("warmup_min_orders_per_s", MIN_WARMUP_RATE);
                result.put("scrape_every_s", scenario.scrapeEvery().toSeconds());
                result.put("audit", audit(traffic, auditFrom));
                if (killAt != null) {
                    result.put("chaos", chaos);
                }
                result.put("timeseries", series);
                return result;
            }
        }
    }

    /**
     * bench --chaos: at {@code when}, SIGKILL the server and start it again on the same data while the
     * load goes on. Records how long it was out (kill to healthy), the paid orders not yet final before
     * the kill and at the restart, and how long the restarted server took to bring them back to the level
     * before the kill (the backlog it cleared).
     */
    private java.util.concurrent.Future<?> killAndRestartAt(long when, long auditFrom) {
        var killer = Executors.newSingleThreadScheduledExecutor(io.vendpay.shared.BoundedWorkers.daemonThreads("bench-chaos"));
        var done = killer.schedule(() -> {
            long paidOpenBefore = paidNotFinal(auditFrom);
            lastOfKilled = scrape();
            serverDown = true;
            long killedAt = System.currentTimeMillis();
            out.printf("%nbench: chaos: kill -9 of the server, %d paid orders not final yet%n", paidOpenBefore);
            ((LaunchedServer) server).killAndRestart();
            long upAt = System.currentTimeMillis();
            restarts++;
            serverDown = false;
            long atRestart = paidNotFinal(auditFrom);
            out.printf("bench: chaos: server back after %d ms, %d paid orders not final%n", upAt - killedAt, atRestart);
            long clearedAt = -1;
            while (System.currentTimeMillis() - upAt < 180_000) {
                if (paidNotFinal(auditFrom) <= paidOpenBefore) {
                    clearedAt = System.currentTimeMillis();
                    break;
                }
                Thread.sleep(500);
            }
            chaos.put("kill_at_s", round((killedAt - (when - killAt.toMillis())) / 1000.0));
            chaos.put("down_ms", upAt - killedAt);
            chaos.put("paid_not_final_before_kill", paidOpenBefore);
            chaos.put("paid_not_final_at_restart", atRestart);
            chaos.put("backlog_cleared_ms", clearedAt < 0 ? -1 : clearedAt - upAt);
            chaos.put("note", "down_ms: SIGKILL to health UP of the new process; backlog_cleared_ms: from then until paid orders "
                    + "not final are back to their number before the kill (-1: not within 180 s); latency figures of the run "
                    + "combine the killed process's histograms up to the kill with the new one's");
            return null;
        }, Math.max(0, when - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        killer.shutdown();
        return done;
    }

    private long paidNotFinal(long from) throws Exception {
        JsonNode byStatus = admin("GET", "/api/v1/admin/stats?from=" + from, null).path("orders_by_status");
        long n = 0;
        for (String s : List.of("PAID", "DISPENSING", "DISPENSE_UNKNOWN", "REFUNDING")) {
            n += byStatus.path(s).asLong(0);
        }
        return n;
    }

    /**
     * At least this many orders/s in the warm-up: a small fleet's base rate (the founding fleet's is
     * 0.3/s) would leave the server's hot paths interpreted and charge JIT compilation to the run.
     */
    static final double MIN_WARMUP_RATE = 10;

    /** Load at {@code rate} for the warm-up time, outside the measured window (its orders are audited too). */
    private void warmUp(Traffic traffic, int machines, double rate) throws InterruptedException {
        if (warmup.isZero()) {
            return;
        }
        out.printf("bench: warming the server up for %d s at %.0f orders/s (not measured)%n", warmup.toSeconds(), rate);
        traffic.run(warmup, machines, x -> rate);
        traffic.resetMeasurements();
    }

    /** The capacity search's first fleet: 10 orders/s at lunch-rush's peak rate, below any server's knee. */
    static final int CAPACITY_START = 100;

    /**
     * Grows the fleet step by step (from {@value #CAPACITY_START} machines, x1.5 every 20 s, each machine at
     * the scenario's peak rate: 10 orders/s offered first for lunch-rush) until the
     * notify-ack p99 of a step exceeds 100 ms, then drains and audits. The capacity is the largest fleet
     * whose step held, if the audit is clean.
     */
    Map<String, Object> findCapacity() throws Exception {
        Map<String, Object> ceiling = storeCeiling();
        var steps = new ArrayList<Map<String, Object>>();
        int held = 0;
        try (var fleet = new LoadFleet(server, runTag, http)) {
            int machines = CAPACITY_START;
            fleet.growTo(machines, out);
            try (var traffic = new Traffic(server, fleet, scenario, seed, http)) {
                fleet.connect(traffic::onCommand);
                long t0 = System.currentTimeMillis();
                double perMachine = scenario.baseRatePerMachine() * scenario.peakMultiplier();
                warmUp(traffic, machines, machines * scenario.baseRatePerMachine());
                for (int step = 0; step < 20; step++) {
                    fleet.growTo(machines, out);
                    PrometheusScrape before = scrape();
                    long shedBefore = traffic.shed429.get();
                    int n = machines;
                    var sampler = sample(traffic, before, System.currentTimeMillis(), n, x -> n * perMachine, Duration.ofSeconds(20));
                    traffic.run(Duration.ofSeconds(20), n, x -> n * perMachine);
                    sampler.shutdownNow();
                    PrometheusScrape after = scrape();
                    double p99 = PrometheusScrape.quantileMs(before.buckets(NOTIFY_ACK), after.buckets(NOTIFY_ACK), 0.99);
                    var s = new LinkedHashMap<String, Object>();
                    s.put("machines", n);
                    s.put("offered_orders_per_s", round(n * perMachine));
                    s.put("notify_ack_p99_ms", round(p99));
                    s.put("shed_429", traffic.shed429.get() - shedBefore);
                    steps.add(s);
                    out.printf("%nbench: capacity step %d: %d machines, %.0f orders/s offered, notify-ack p99 %.0f ms%n",
                            step + 1, n, n * perMachine, p99);
                    if (!(p99 <= 100)) {
                        break;
                    }
                    held = n;
                    machines = (int) (machines * 1.5);
                }
                drain(t0);
                var result = new LinkedHashMap<String, Object>();
                result.put("scenario", scenario.name() + " (find-capacity)");
                result.put("store", server.store());
                result.put("steps", steps);
                result.put("capacity_machines", held);
                result.put("capacity_orders_per_s", round(held * perMachine));
                result.put("store_ceiling_commits_per_s", ceiling.get("commits_per_s"));
                result.put("audit", audit(traffic, t0));
                result.put("timeseries", series);
                return result;
            }
        }
    }

    private java.util.concurrent.ScheduledExecutorService sample(Traffic traffic, PrometheusScrape first, long t0, int machines,
                                                                 java.util.function.DoubleUnaryOperator rate, Duration length) {
        var sampler = Executors.newSingleThreadScheduledExecutor(io.vendpay.shared.BoundedWorkers.daemonThreads("bench-sample"));
        long every = scenario.scrapeEvery().toSeconds();
        var last = new PrometheusScrape[]{first};
        var lastCreated = new long[]{traffic.created.get()};
        var restartsSeen = new int[]{restarts};
        sampler.scheduleAtFixedRate(() -> {
            if (serverDown) {
                return;     // bench --chaos: the server is being restarted; its counters start again from zero
            }
            try {
                PrometheusScrape now = scrape();
                if (restartsSeen[0] != restarts) {
                    restartsSeen[0] = restarts;
                    last[0] = now;
                    return;
                }
                double elapsed = (System.currentTimeMillis() - t0) / 1000.0;
                double x = Math.min(1, elapsed * 1000 / length.toMillis());
                var point = new LinkedHashMap<String, Object>();
                point.put("t", round(elapsed));
                point.put("offered_per_s", round(rate.applyAsDouble(x)));
                point.put("created_per_s", round((traffic.created.get() - lastCreated[0]) / (double) every));
                point.put("completed_per_s", round((completed(now) - completed(last[0])) / every));
                point.put("notify_ack_p50_ms", round(PrometheusScrape.quantileMs(last[0].buckets(NOTIFY_ACK), now.buckets(NOTIFY_ACK), 0.50)));
                point.put("notify_ack_p99_ms", round(PrometheusScrape.quantileMs(last[0].buckets(NOTIFY_ACK), now.buckets(NOTIFY_ACK), 0.99)));
                point.put("backlog", now.sum("vendpay_executor_queued_tasks"));
                point.put("open_orders", now.sum("vendpay_orders_open"));
                double active = now.sum("hikaricp_connections_active");
                double pending = now.sum("hikaricp_connections_pending");
                point.put("pool_active", active);
                point.put("pool_pending", pending);
                double heap = now.sum("jvm_memory_used_bytes", "area", "heap") / 1_048_576;
                point.put("heap_mb", round(heap));
                point.put("http_in_flight", traffic.inFlight());
                synchronized (series) {
                    series.add(point);
                }
                poolMaxActive = Math.max(poolMaxActive, active);
                poolMaxPending = Math.max(poolMaxPending, pending);
                poolSize = Math.max(poolSize, now.sum("hikaricp_connections_max"));
                heapMaxMb = Math.max(heapMaxMb, heap);
                double max = now.max(NOTIFY_ACK + "_max") * 1000;
                if (!Double.isNaN(max)) {
                    ackMaxMs = Math.max(ackMaxMs, max);
                }
                out.printf("\r[%4.0fs] offered %6.0f/s  created %7d  paid %7d  cmds %7d  done %5.0f/s  ack p99 %5.0f ms  pool %2.0f+%-3.0f heap %4.0f MB  429 %d  err %d   ",
                        elapsed, rate.applyAsDouble(x), traffic.created.get(), traffic.paid.get(), traffic.commands.get(),
                        (double) (Number) point.get("completed_per_s"), (double) (Number) point.get("notify_ack_p99_ms"),
                        active, pending, heap, traffic.shed429.get(), traffic.httpErrors.get());
                lastCreated[0] = traffic.created.get();
                last[0] = now;
            } catch (Exception e) {
                if (Thread.currentThread().isInterrupted() || e instanceof InterruptedException
                        || e.getCause() instanceof InterruptedException) {
                    return; // the run ended while a scrape was in flight
                }
                out.println("\nbench: sampling failed: " + e);
            }
        }, every, every, TimeUnit.SECONDS);
        sampler.scheduleAtFixedRate(() -> {
            try {
                traffic.heartbeats(machines);
            } catch (RuntimeException e) {
                out.println("\nbench: heartbeats failed: " + e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        return sampler;
    }

    /** Waits until every order of the run is final (the unpaid ones expire), or gives up after the limit. */
    private void drain(long t0) throws Exception {
        out.println();
        long deadline = System.currentTimeMillis() + 240_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode byStatus = admin("GET", "/api/v1/admin/stats?from=" + t0, null).path("orders_by_status");
            long open = 0;
            for (String s : List.of("CREATED", "PAID", "DISPENSING", "DISPENSE_UNKNOWN", "REFUNDING")) {
                open += byStatus.path(s).asLong(0);
            }
            out.printf("\rbench: draining, %d orders not final yet   ", open);
            if (open == 0) {
                break;
            }
            Thread.sleep(2_000);
        }
        out.println();
    }

    private Map<String, Object> summary(Traffic traffic, PrometheusScrape before, PrometheusScrape after, long t0, long loadEnd,
                                        Map<String, Object> ceiling) throws Exception {
        JsonNode stats = admin("GET", "/api/v1/admin/stats?from=" + t0, null);
        var r = new LinkedHashMap<String, Object>();
        r.put("scenario", scenario.name());
        r.put("store", server.store());
        r.put("machines", scenario.machines());
        r.put("duration_s", scenario.duration().toSeconds());
        r.put("seed", seed);
        r.put("orders_created", traffic.created.get());
        var perSecond = new TreeMap<Long, Long>();
        stats.path("settled_per_second").properties().forEach(e -> perSecond.put(Long.parseLong(e.getKey()), e.getValue().asLong()));
        long startSec = t0 / 1000;
        long endSec = loadEnd / 1000;
        long settledInLoad = perSecond.subMap(startSec, true, endSec, false).values().stream().mapToLong(Long::longValue).sum();
        r.put("orders_completed", perSecond.values().stream().mapToLong(Long::longValue).sum());
        r.put("orders_completed_per_s_mean", round((double) settledInLoad / Math.max(1, endSec - startSec)));
        r.put("orders_completed_per_s_peak", round(peakMovingAverage(perSecond, startSec, endSec, 5)));
        r.put("orders_completed_per_s_peak_window_mean", round(peakWindowMean(perSecond, startSec, endSec)));
        r.put("notifications_duplicate", Math.round(after.sum(NOTIFY_ACK + "_count", "result", "duplicate")
                - before.sum(NOTIFY_ACK + "_count", "result", "duplicate")));
        var ack = new LinkedHashMap<String, Object>();
        var b0 = before.buckets(NOTIFY_ACK);
        var b1 = after.buckets(NOTIFY_ACK);
        ack.put("p50", round(PrometheusScrape.quantileMs(b0, b1, 0.50)));
        ack.put("p99", round(PrometheusScrape.quantileMs(b0, b1, 0.99)));
        ack.put("p999", round(PrometheusScrape.quantileMs(b0, b1, 0.999)));
        ack.put("max", round(ackMaxMs));
        ack.put("note", "histogram bucket upper bounds from /actuator/prometheus");
        r.put("notify_ack_ms", ack);
        r.put("create_order_ms", traffic.createMs.percentiles());
        r.put("pay_to_dispense_cmd_ms", json.treeToValue(stats.path("pay_to_dispense_cmd_ms"), Map.class));
        r.put("pay_to_settled_ms", json.treeToValue(stats.path("pay_to_settled_ms"), Map.class));
        r.put("query_recovered_pay_to_dispense_cmd_ms", json.treeToValue(stats.path("query_recovered_pay_to_dispense_cmd_ms"), Map.class));
        r.put("pay_to_command_seen_by_machine_ms", traffic.payToCommandMs.percentiles());
        r.put("http_errors", traffic.httpErrors.get());
        r.put("shed_429", traffic.shed429.get());
        r.put("pay_errors", traffic.payErrors.get());
        r.put("generator_dropped", traffic.dropped.get());
        r.put("customers", Map.of("paid", traffic.paid.get(), "never_paid", traffic.neverPaid.get(),
                "notification_lost", traffic.lostNotifications.get(), "notification_duplicated", traffic.duplicatedNotifications.get()));
        r.put("machines_behaviour", Map.of("commands", traffic.commands.get(), "results", traffic.results.get(),
                "failed_vends", traffic.failures.get(), "went_offline", traffic.offline.get()));
        r.put("db_pool_size", (long) poolSize);
        r.put("db_pool_max_active", (long) poolMaxActive);
        r.put("db_pool_max_pending", (long) poolMaxPending);
        r.put("server_heap_max_mb", round(heapMaxMb));
        r.put("store_ceiling_commits_per_s", ceiling.get("commits_per_s"));
        double perCommit = ((Number) r.get("orders_completed_per_s_peak_window_mean")).doubleValue()
                / Math.max(1, ((Number) ceiling.get("commits_per_s")).doubleValue());
        r.put("orders_per_s_to_commits_per_s", Math.round(perCommit * 10_000) / 10_000.0);
        r.put("orders_by_status", json.treeToValue(stats.path("orders_by_status"), Map.class));
        if (traffic.lastError != null) {
            r.put("last_error", traffic.lastError);
        }
        return r;
    }

    private Map<String, Object> audit(Traffic traffic, long t0) throws Exception {
        var body = new LinkedHashMap<String, Object>();
        body.put("from", t0);
        body.put("to", System.currentTimeMillis());
        body.put("paidAtChannel", new ArrayList<>(traffic.paidOrders));
        body.put("stuckAfterMs", 0);
        JsonNode a = admin("POST", "/api/v1/admin/audit", json.writeValueAsString(body));
        var m = new LinkedHashMap<String, Object>();
        a.properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
        m.merge("double_dispense", traffic.doubleDispense.get(), (x, y) -> ((Number) x).longValue() + ((Number) y).longValue());
        return m;
    }

    private Map<String, Object> storeCeiling() throws Exception {
        out.println("bench: measuring the store's commit ceiling (5 s)");
        JsonNode c = admin("POST", "/api/v1/admin/store-ceiling?seconds=5", null);
        return Map.of("commits_per_s", c.path("commits_per_s").asLong(), "writers", c.path("writers").asInt());
    }

    private double completed(PrometheusScrape s) {
        return s.sum("vendpay_order_transitions_total", "to", "DISPENSED") + s.sum("vendpay_order_transitions_total", "to", "REFUNDED");
    }

    private double serverCpu(PrometheusScrape s) {
        double fromProcess = server.cpuSeconds();
        return Double.isNaN(fromProcess) ? s.sum("process_cpu_time_ns_total") / 1e9 : fromProcess;
    }

    private static double generatorCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    private PrometheusScrape scrape() throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return PrometheusScrape.parse(r.body());
    }

    private JsonNode admin(String method, String path, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + server.adminToken());
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        var r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }

    private static double peakMovingAverage(TreeMap<Long, Long> perSecond, long from, long to, int window) {
        double best = 0;
        for (long s = from; s + window <= to; s++) {
            long sum = 0;
            for (long k = s; k < s + window; k++) {
                sum += perSecond.getOrDefault(k, 0L);
            }
            best = Math.max(best, (double) sum / window);
        }
        return best;
    }

    private double peakWindowMean(TreeMap<Long, Long> perSecond, long from, long to) {
        long sum = 0;
        int n = 0;
        for (long s = from; s < to; s++) {
            if (scenario.inPeak((double) (s - from) / Math.max(1, to - from))) {
                sum += perSecond.getOrDefault(s, 0L);
                n++;
            }
        }
        return n == 0 ? 0 : (double) sum / n;
    }

    static double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 10) / 10.0;
    }
}
