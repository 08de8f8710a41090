package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

import io.vendpay.testing.Platform;
import io.vendpay.testing.RawHttp;
import io.vendpay.testing.ServerProcess;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.TestStores;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Issue 9's abuse load, bounded and on loopback: a node in its own JVM with a fixed 384 MB heap, on MariaDB, takes
 * 48 concurrent 20 MB notify bodies (carrying the configured {@code Wechatpay-Serial} and a junk signature, half of
 * them chunked), again and again, plus 80 slow uploads to the WeChat notify endpoint and 40 to the device API (one
 * byte every 2 s, re-opened when the node ends them), while machines keep ordering and WeChat keeps notifying
 * genuine payments. Then: machines were served (a high share of 201s, no 5xx), health stayed UP and fast, the heap
 * stayed under its limit with no OutOfMemoryError, and every genuine notification was stored.
 */
class AbuseLoadIT {

    private static final Duration ABUSE = Duration.ofSeconds(25);
    private static final int BIG_BODIES = 48;
    private static final int TWENTY_MB = 20 * 1024 * 1024;
    private static final int SLOW_NOTIFY = 80;
    private static final int SLOW_DEVICE = 40;
    private static final int MACHINES = 4;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void machinesKeepBeingServedWhileHostileClientsPushHugeAndSlowBodies() throws Exception {
        Path dataDir = Files.createTempDirectory("vendpay-abuse-");
        String db = "vp_abuse_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        TestStores.exec("CREATE DATABASE " + db);
        String url = TestStores.MARIADB_ROOT + db;
        var wechat = new WechatNotifications(dataDir.toString());
        var node = ServerProcess.node("abuse", dataDir, url, TestStores.freePort(), Map.of());
        ExecutorService pool = Executors.newCachedThreadPool();
        var stop = new AtomicBoolean();
        try (node) {
            node.start();
            JdbcClient sql = JdbcClient.create(new DriverManagerDataSource(url, "root", ""));
            Platform p = node.platform(sql);
            List<TestMachine> machines = new ArrayList<>();
            for (int i = 0; i < MACHINES; i++) {
                machines.add(TestMachine.provision(p, 500));
            }
            long heapMax = prometheus(node, "jvm_memory_max_bytes", "area=\"heap\"");
            assertThat(heapMax).as("the node's heap limit").isBetween(300L << 20, 400L << 20);

            var bigAnswers = new ConcurrentHashMap<Integer, AtomicLong>();
            var bigCut = new AtomicLong();
            var slowOpened = new AtomicLong();
            var slowEnded = new ConcurrentHashMap<Integer, AtomicLong>();
            var machineAnswers = new ConcurrentHashMap<Integer, AtomicLong>();
            var genuineStatuses = new ConcurrentLinkedQueue<Integer>();
            var genuineOrders = new ConcurrentLinkedQueue<String>();
            var healthWorst = new LongAccumulator(Math::max, 0);
            var healthFailures = new ConcurrentLinkedQueue<String>();
            var heapPeak = new LongAccumulator(Math::max, 0);

            // 48 concurrent 20 MB bodies, started at one instant and repeated until the end
            var go = new CountDownLatch(1);
            for (int i = 0; i < BIG_BODIES; i++) {
                boolean chunked = i % 2 == 1;
                pool.submit(() -> {
                    go.await();
                    while (!stop.get()) {
                        Integer status = hugeNotification(node.port, wechat, chunked);
                        if (status == null) {
                            bigCut.incrementAndGet();
                        } else {
                            bigAnswers.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            // 80 + 40 slow uploads: one byte every 2 s; one the node ended is opened again
            pool.submit(() -> {
                List<RawHttp> slow = new ArrayList<>();
                List<String> paths = new ArrayList<>();
                for (int i = 0; i < SLOW_NOTIFY + SLOW_DEVICE; i++) {
                    paths.add(i < SLOW_NOTIFY ? "/api/v1/pay/wechat/notify" : "/api/v1/device/orders");
                    slow.add(slowUpload(node.port, paths.get(i), wechat, machines.get(0).deviceId));
                    slowOpened.incrementAndGet();
                }
                while (!stop.get()) {
                    for (int i = 0; i < slow.size(); i++) {
                        if (!slow.get(i).send(new byte[] {' '})) {
                            slow.get(i).close();
                            slowEnded.computeIfAbsent(-1, s -> new AtomicLong()).incrementAndGet();
                            slow.set(i, slowUpload(node.port, paths.get(i), wechat, machines.get(0).deviceId));
                            slowOpened.incrementAndGet();
                        }
                    }
                    pace(stop, 2000);
                }
                slow.forEach(RawHttp::close);
                return null;
            });
            go.countDown();

            // machines keep ordering; every fourth order is paid by a genuine WeChat notification
            for (TestMachine m : machines) {
                pool.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        int status;
                        String body;
                        try {
                            var r = m.order("abuse-" + UUID.randomUUID(), "A1");
                            status = r.statusCode();
                            body = r.body();
                        } catch (IllegalStateException timedOutOrRefused) {
                            status = -1;
                            body = null;
                        }
                        machineAnswers.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                        if (status == 201 && n % 4 == 0) {
                            String orderNo = io.vendpay.testing.Json.read(body).path("orderNo").asString();
                            var genuine = wechat.payment(orderNo, "4200" + UUID.randomUUID().toString().replace("-", "").substring(0, 24), 350);
                            genuineOrders.add(orderNo);
                            genuineStatuses.add(p.post("/api/v1/pay/wechat/notify", genuine.headers(), genuine.body()).statusCode());
                        }
                    }
                    return null;
                });
            }
            // health and heap, every 500 ms
            pool.submit(() -> {
                while (!stop.get()) {
                    long t = System.nanoTime();
                    try {
                        var h = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/actuator/health"))
                                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                        if (h.statusCode() != 200 || !h.body().contains("\"UP\"")) {
                            healthFailures.add(h.statusCode() + " " + h.body());
                        }
                    } catch (Exception e) {
                        healthFailures.add(e.toString());
                    }
                    healthWorst.accumulate((System.nanoTime() - t) / 1_000_000);
                    heapPeak.accumulate(prometheus(node, "jvm_memory_used_bytes", "area=\"heap\""));
                    pace(stop, 500);
                }
                return null;
            });

            long deadline = System.nanoTime() + ABUSE.toNanos();
            while (System.nanoTime() < deadline && node.alive()) {
                Thread.sleep(250);       // the abuse runs for a bounded time; nothing is asserted on this wait
            }
            stop.set(true);
            pool.shutdown();
            boolean abusersStopped = pool.awaitTermination(30, TimeUnit.SECONDS);

            System.out.printf("abuse: big bodies answered %s, cut off %d; slow uploads opened %d; machines %s; genuine %s; "
                            + "health worst %d ms; heap peak %d MB of %d MB%n", bigAnswers, bigCut.get(), slowOpened.get(),
                    machineAnswers, genuineStatuses.size(), healthWorst.get(), heapPeak.get() >> 20, heapMax >> 20);

            assertThat(node.alive()).as("the node survived").isTrue();
            assertThat(Files.readString(node.log())).doesNotContain("OutOfMemoryError");
            assertThat(heapPeak.get()).as("heap used at its peak").isLessThan(heapMax);
            assertThat(bigAnswers.keySet()).as("answers to the huge bodies").allMatch(s -> s == 413);
            assertThat(bigAnswers.values().stream().mapToLong(AtomicLong::get).sum() + bigCut.get()).isGreaterThanOrEqualTo(BIG_BODIES);
            long served = machineAnswers.getOrDefault(201, new AtomicLong()).get();
            long total = machineAnswers.values().stream().mapToLong(AtomicLong::get).sum();
            assertThat(machineAnswers.keySet()).as("machine answers: none 5xx").noneMatch(s -> s >= 500);
            assertThat(served).as("machine orders served").isGreaterThanOrEqualTo(40);
            assertThat((double) served / total).as("share of machine orders served").isGreaterThanOrEqualTo(0.95);
            assertThat(healthFailures).as("health answers").isEmpty();
            assertThat(healthWorst.get()).as("slowest health answer, ms").isLessThan(2000);
            assertThat(genuineStatuses).as("genuine notifications").isNotEmpty().containsOnly(200);
            for (String orderNo : genuineOrders) {
                assertThat(p.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ?", orderNo))
                        .as("genuine notification of %s stored", orderNo).isEqualTo(1);
            }
            assertThat(abusersStopped).as("every client got its answer or its connection closed").isTrue();
            org.awaitility.Awaitility.await("every body's heap budget is given back").atMost(Duration.ofSeconds(20))
                    .until(() -> prometheus(node, "vendpay_http_body_buffered_bytes", "") == 0);
            machines.forEach(TestMachine::close);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            TestStores.exec("DROP DATABASE IF EXISTS " + db);
        }
    }

    /** Paces a load generator (the slow clients' byte every 2 s, the health probe); returns early once stopped. */
    private static void pace(AtomicBoolean stop, long millis) throws InterruptedException {
        for (long waited = 0; waited < millis && !stop.get(); waited += 100) {
            Thread.sleep(100);
        }
    }

    /** One 20 MB notification; its status, or {@code null} when the node closed the connection before an answer was read. */
    private static Integer hugeNotification(int port, WechatNotifications wechat, boolean chunked) {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.put("Wechatpay-Serial", wechat.merchant.platformPublicKeyId());
        headers.put("Wechatpay-Timestamp", Long.toString(System.currentTimeMillis() / 1000));
        headers.put("Wechatpay-Nonce", UUID.randomUUID().toString());
        headers.put("Wechatpay-Signature", "junk");
        headers.put(chunked ? "Transfer-Encoding" : "Content-Length", chunked ? "chunked" : Integer.toString(TWENTY_MB));
        byte[] piece = new byte[64 * 1024];
        java.util.Arrays.fill(piece, (byte) 'x');
        byte[] chunk = RawHttp.concat(RawHttp.concat((Integer.toHexString(piece.length) + "\r\n").getBytes(), piece), "\r\n".getBytes());
        try (var c = RawHttp.open(port, 10_000)) {
            boolean open = c.send(RawHttp.head("POST /api/v1/pay/wechat/notify HTTP/1.1", headers));
            for (int sent = 0; open && sent < TWENTY_MB; sent += piece.length) {
                open = c.send(chunked ? chunk : piece);
            }
            try {
                return c.answer().status();
            } catch (RuntimeException closed) {
                return null;
            }
        } catch (RuntimeException refused) {
            return null;
        }
    }

    private static RawHttp slowUpload(int port, String path, WechatNotifications wechat, String deviceId) {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.put("Content-Length", "4096");
        if (path.contains("wechat")) {
            headers.put("Wechatpay-Serial", wechat.merchant.platformPublicKeyId());
            headers.put("Wechatpay-Timestamp", Long.toString(System.currentTimeMillis() / 1000));
            headers.put("Wechatpay-Nonce", "n");
            headers.put("Wechatpay-Signature", "junk");
        } else {
            headers.put("X-Device-Id", deviceId);
            headers.put("X-Timestamp", Long.toString(System.currentTimeMillis()));
            headers.put("X-Nonce", UUID.randomUUID().toString());
            headers.put("X-Signature", "0".repeat(64));
        }
        var c = RawHttp.open(port, 5000);
        c.send(RawHttp.concat(RawHttp.head("POST " + path + " HTTP/1.1", headers), new byte[] {'{'}));
        return c;
    }

    /** The sum of a Prometheus metric's samples whose labels contain {@code label}; -1 when it is not exposed. */
    private static long prometheus(ServerProcess node, String metric, String label) {
        try {
            var r = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/actuator/prometheus")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            double[] samples = r.body().lines().filter(l -> (l.startsWith(metric + "{") || l.startsWith(metric + " ")) && l.contains(label))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toArray();
            return samples.length == 0 ? -1 : (long) java.util.Arrays.stream(samples).filter(v -> v > 0).sum();
        } catch (Exception e) {
            return -1;
        }
    }
}
