package io.vendpay.bench.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleUnaryOperator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vendpay.shared.BoundedWorkers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rush itself: customers arriving at random machines (a Poisson process whose rate follows
 * the scenario), ordering over signed HTTP, paying at the channel (some never, some whose
 * notification is lost, some whose notification is sent twice), and machines vending (some
 * failing, some going offline mid-vend and coming back). Every random choice is drawn from the
 * arrival's own seeded generator, so a seed replays the same customers.
 */
final class Traffic implements AutoCloseable {

    private static final int MAX_IN_FLIGHT = 1024;
    private static final ThreadLocal<Mac> HMAC = io.vendpay.shared.NativeCrypto.macPerThread("HmacSHA256");

    private final BenchServer server;
    private final LoadFleet fleet;
    private final Scenario scenario;
    private final long seed;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, BoundedWorkers.daemonThreads("bench-clock"));
    private final ThreadPoolExecutor payers = BoundedWorkers.create("bench-pay", 8, 100_000, null);
    private final ThreadPoolExecutor machines = BoundedWorkers.create("bench-machine", 2, 100_000, null);
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ConcurrentHashMap<String, Order> orders = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> firstResult = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> commandOf = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> offlineUntil = new ConcurrentHashMap<>();
    private final AtomicLong arrivals = new AtomicLong();

    final LatencyLog createMs = new LatencyLog();
    final LatencyLog payToCommandMs = new LatencyLog();
    final AtomicLong created = new AtomicLong();
    final AtomicLong paid = new AtomicLong();
    final AtomicLong neverPaid = new AtomicLong();
    final AtomicLong lostNotifications = new AtomicLong();
    final AtomicLong duplicatedNotifications = new AtomicLong();
    final AtomicLong commands = new AtomicLong();
    final AtomicLong results = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong offline = new AtomicLong();
    final AtomicLong shed429 = new AtomicLong();
    final AtomicLong httpErrors = new AtomicLong();
    final AtomicLong payErrors = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong doubleDispense = new AtomicLong();
    final ConcurrentLinkedQueue<String> paidOrders = new ConcurrentLinkedQueue<>();
    volatile String lastError;

    private record Order(String orderNo, long arrival, int machine, long paidAtNanos) {
    }

    Traffic(BenchServer server, LoadFleet fleet, Scenario scenario, long seed, HttpClient http) {
        this.server = server;
        this.fleet = fleet;
        this.scenario = scenario;
        this.seed = seed;
        this.http = http;
    }

    /** Machine side: every DISPENSE command the fleet's subscription receives. */
    void onCommand(String deviceId, JsonNode cmd) {
        machines.execute(() -> command(deviceId, cmd));
    }

    /**
     * Runs arrivals for {@code length} at the fleet rate {@code rate(x)} (orders/s at fraction x of the
     * phase), over the first {@code machinesInPlay} machines, then returns.
     */
    void run(Duration length, int machinesInPlay, DoubleUnaryOperator rate) throws InterruptedException {
        var arrivalsRandom = new SplittableRandom(seed);
        long start = System.nanoTime();
        long total = length.toNanos();
        long tick = TimeUnit.MILLISECONDS.toNanos(10);
        long next = start;
        while (true) {
            long now = System.nanoTime();
            if (now - start >= total) {
                return;
            }
            double x = (double) (now - start) / total;
            int n = poisson(rate.applyAsDouble(x) * 0.010, arrivalsRandom);
            for (int i = 0; i < n; i++) {
                arrive(arrivals.incrementAndGet(), machinesInPlay);
            }
            next += tick;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
    }

    private void arrive(long index, int machinesInPlay) {
        var r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int m = r.nextInt(machinesInPlay);
        String channel = r.nextDouble() < scenario.alipayShare() ? "ALIPAY" : "WECHAT";
        boolean neverPay = r.nextDouble() < scenario.neverPayShare();
        boolean lost = r.nextDouble() < scenario.lostNotificationShare();
        boolean duplicate = r.nextDouble() < scenario.duplicateShare();
        long payDelayMs = 200 + r.nextInt(800);
        if (!inFlight.tryAcquire()) {
            dropped.incrementAndGet();
            return;
        }
        String body = "{\"clientOrderId\":\"o" + index + "\",\"slot\":\"" + (r.nextBoolean() ? "A1" : "B1")
                + "\",\"channel\":\"" + channel + "\"}";
        long t0 = System.nanoTime();
        http.sendAsync(signed(m, "POST", "/api/v1/device/orders", body), HttpResponse.BodyHandlers.ofString())
                .whenComplete((resp, error) -> {
                    inFlight.release();
                    if (error != null) {
                        httpErrors.incrementAndGet();
                        lastError = error.toString();
                        return;
                    }
                    if (resp.statusCode() == 429) {
                        shed429.incrementAndGet();
                        return;
                    }
                    if (resp.statusCode() != 201) {
                        httpErrors.incrementAndGet();
                        lastError = resp.statusCode() + " " + resp.body();
                        return;
                    }
                    createMs.add((System.nanoTime() - t0) / 1_000_000);
                    created.incrementAndGet();
                    JsonNode o = json.readTree(resp.body());
                    String orderNo = o.path("orderNo").asString();
                    if (neverPay) {
                        neverPaid.incrementAndGet();
                        return;
                    }
                    String qr = o.path("qrCode").asString();
                    clock.schedule(() -> payers.execute(() -> pay(orderNo, index, m, qr, lost, duplicate)), payDelayMs, TimeUnit.MILLISECONDS);
                });
    }

    private void pay(String orderNo, long index, int machine, String qr, boolean lost, boolean duplicate) {
        try {
            // registered before paying: the command may arrive before this call returns
            orders.put(orderNo, new Order(orderNo, index, machine, System.nanoTime()));
            server.customers().pay(qr, !lost, duplicate ? 2 : 1);
            paid.incrementAndGet();
            paidOrders.add(orderNo);
            if (lost) {
                lostNotifications.incrementAndGet();
            }
            if (duplicate) {
                duplicatedNotifications.incrementAndGet();
            }
        } catch (Exception e) {
            orders.remove(orderNo);
            payErrors.incrementAndGet();
            lastError = e.toString();
        }
    }

    private void command(String deviceId, JsonNode cmd) {
        if (!"DISPENSE".equals(cmd.path("type").asString(""))) {
            return;
        }
        String cmdId = cmd.path("cmdId").asString();
        String orderNo = cmd.path("orderNo").asString();
        Long away = offlineUntil.get(deviceId);
        if (away != null && away > System.currentTimeMillis()) {
            return; // offline: hears nothing; the platform's re-send reaches it when it is back
        }
        String first = firstResult.get(cmdId);
        if (first != null) {
            fleet.publish(deviceId, first);       // a re-sent command: the first result again
            return;
        }
        Order o = orders.get(orderNo);
        if (o == null) {
            return; // not one of this run's orders
        }
        String before = commandOf.putIfAbsent(orderNo, cmdId);
        if (before != null) {
            if (!before.equals(cmdId)) {
                doubleDispense.incrementAndGet();   // a second command id for one order: a second vend
            }
            return;                                 // a re-send while the machine is still vending it
        }
        commands.incrementAndGet();
        payToCommandMs.add((System.nanoTime() - o.paidAtNanos()) / 1_000_000);
        var r = new SplittableRandom(seed * 0xBF58476D1CE4E5B9L + o.arrival());
        if (r.nextDouble() < scenario.offlineShare()) {
            long back = 5_000 + r.nextInt(15_000);
            offlineUntil.put(deviceId, System.currentTimeMillis() + back);
            offline.incrementAndGet();
            clock.schedule(() -> machines.execute(() -> vend(deviceId, cmdId, orderNo, true)), back, TimeUnit.MILLISECONDS);
            return;
        }
        boolean ok = r.nextDouble() >= scenario.dispenseFailureShare();
        clock.schedule(() -> machines.execute(() -> vend(deviceId, cmdId, orderNo, ok)), 200, TimeUnit.MILLISECONDS);
    }

    private void vend(String deviceId, String cmdId, String orderNo, boolean ok) {
        offlineUntil.remove(deviceId);
        String result = "{\"type\":\"DISPENSE_RESULT\",\"cmdId\":\"" + cmdId + "\",\"orderNo\":\"" + orderNo + "\",\"ok\":" + ok
                + (ok ? "" : ",\"reason\":\"MOTOR_JAM\"") + ",\"ts\":" + System.currentTimeMillis() + "}";
        String first = firstResult.putIfAbsent(cmdId, result);
        fleet.publish(deviceId, first != null ? first : result);
        if (first == null) {
            results.incrementAndGet();
            if (!ok) {
                failures.incrementAndGet();
            }
        }
    }

    /** Every machine that is online says it is alive, once a minute, spread over the minute. */
    void heartbeats(int machinesInPlay) {
        long second = System.currentTimeMillis() / 1000;
        for (int i = (int) (second % 60); i < machinesInPlay; i += 60) {
            String id = fleet.id(i);
            Long away = offlineUntil.get(id);
            if (away == null || away <= System.currentTimeMillis()) {
                fleet.publish(id, "{\"type\":\"HEARTBEAT\",\"ts\":" + System.currentTimeMillis() + "}");
            }
        }
    }

    /** Forgets the warm-up's latencies and counts (its orders are still audited). */
    void resetMeasurements() {
        createMs.clear();
        payToCommandMs.clear();
        for (AtomicLong c : new AtomicLong[]{created, paid, neverPaid, lostNotifications, duplicatedNotifications, commands, results,
                failures, offline, shed429, httpErrors, payErrors, dropped}) {
            c.set(0);
        }
    }

    ScheduledExecutorService clock() {
        return clock;
    }

    int inFlight() {
        return MAX_IN_FLIGHT - inFlight.availablePermits();
    }

    private HttpRequest signed(int machine, String method, String path, String body) {
        String ts = Long.toString(System.currentTimeMillis());
        String nonce = Long.toHexString(Double.doubleToLongBits(Math.random())) + Long.toHexString(System.nanoTime());
        String sig;
        try {
            Mac mac = HMAC.get();
            mac.init(new SecretKeySpec(fleet.key(machine), "HmacSHA256"));
            sig = HexFormat.of().formatHex(mac.doFinal((method + "\n" + path + "\n" + ts + "\n" + nonce + "\n" + body)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(15))
                .header("X-Device-Id", fleet.id(machine)).header("X-Timestamp", ts).header("X-Nonce", nonce)
                .header("X-Signature", sig).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static int poisson(double mean, SplittableRandom r) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 30) {
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * r.nextGaussian()));
        }
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }

    @Override
    public void close() {
        clock.shutdownNow();
        payers.shutdownNow();
        machines.shutdownNow();
    }
}
