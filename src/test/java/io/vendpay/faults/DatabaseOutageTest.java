package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.vendpay.shared.LongStatements;
import io.vendpay.shared.StoreFailures;
import io.vendpay.testing.AlipayNotifications;
import io.vendpay.testing.DispensingMachine;
import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDbThroughProxy;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TcpProxy;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Fault: the database is unreachable for about 20 s (issue 8), either refusing connections (the
 * process is gone) or silently dropping every packet (a black hole: statements hang until the
 * client's own timeouts end them). While it is away, no payment notification is answered 2xx (it was
 * not stored), each is answered 5xx within WeChat's budget so that WeChat retries, and the device API
 * answers a clear 503 at once instead of hanging. When it is back, the pool recovers by itself,
 * WeChat's retries are acknowledged, and every paid order is dispensed exactly once.
 */
@OnMariaDbThroughProxy
class DatabaseOutageTest extends PlatformTest {

    private static final int ORDERS = 10;
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    /**
     * WeChat counts an answer later than 5 s as a failure (payment-protocols.md 1.8); vendpay's own bound
     * on a store that does not answer is its socket timeout (5 s), so nothing may take much longer.
     */
    private static final long ANSWER_BOUND_MS = 6_000;

    enum Cut {
        REFUSE(TcpProxy::refuse), BLACKHOLE(TcpProxy::blackhole);

        final Consumer<TcpProxy> apply;

        Cut(Consumer<TcpProxy> apply) {
            this.apply = apply;
        }
    }

    /** One HTTP call and its answer: status, error code, Retry-After, how long it took. */
    record Answer(int status, String code, String retryAfter, long millis, String body) {
        static Answer of(HttpResponse<String> r, long sentAt) {
            String code = r.body().startsWith("{") ? Json.read(r.body()).path("code").asString() : "";
            return new Answer(r.statusCode(), code, r.headers().firstValue("Retry-After").orElse(null),
                    (System.nanoTime() - sentAt) / 1_000_000, r.body());
        }
    }

    @Autowired
    TcpProxy store;
    @Autowired
    HikariDataSource dataSource;
    @Autowired
    PlatformTransactionManager tx;
    @Autowired
    JdbcClient jdbc;
    @Value("${vendpay.data-dir}")
    String dataDir;

    @ParameterizedTest(name = "store {0}")
    @EnumSource(Cut.class)
    void nothingUnstoredIsAcknowledgedAndEveryPaidOrderIsDispensedOnceTheStoreIsBack(Cut cut) throws Exception {
        long from = System.currentTimeMillis() - 1;     // this context is shared by both cuts: audit this run's orders
        var wechat = new WechatNotifications(dataDir);
        try (var machine = DispensingMachine.provision(platform, ORDERS + 5)) {
            List<String> orders = BrokerKilledIT.newOrders(machine, ORDERS);
            // and one paid through Alipay (its notice is posted by the test, as Alipay would)
            var alipay = machine.http().newOrder("ALIPAY");
            platform.sandbox.pay(alipay.path("qrCode").asString(), null, false);

            cut.apply.accept(store);
            try {
                outage(cut, machine, orders, alipay.path("orderNo").asString(), wechat, from);
            } finally {
                store.restore();    // whatever failed, the next test of this context gets its store back
            }
        }
    }

    private void outage(Cut cut, DispensingMachine machine, List<String> orders, String alipayOrder, WechatNotifications wechat,
                        long from) throws Exception {
        var deliveries = new ConcurrentLinkedQueue<FaultChecks.Delivery>();
        long down = System.nanoTime();
        // WeChat's side: every payment notified, and re-notified on each failure, from the moment the store is gone
        var wechatSide = CompletableFuture.runAsync(() -> {
            try {
                FaultChecks.notifyUntilAcknowledged(wechat, orders, n -> platform, answered -> { }, deliveries::add);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        // a machine's side: it tries to sell, and retries after what the platform says, until the store is back
        var deviceCalls = new ArrayList<Answer>();
        var alipayAnswers = new ArrayList<Answer>();
        while (System.nanoTime() - down < OUTAGE.toNanos()) {
            long sent = System.nanoTime();
            var call = Answer.of(machine.http().order("c-" + UUID.randomUUID(), "A1", "WECHAT"), sent);
            deviceCalls.add(call);
            sent = System.nanoTime();
            alipayAnswers.add(Answer.of(alipayNotice(alipayOrder), sent));
            long retryAfterMs = call.retryAfter() == null ? 1_000 : Long.parseLong(call.retryAfter()) * 1_000;
            long left = OUTAGE.toMillis() - (System.nanoTime() - down) / 1_000_000;
            Thread.sleep(Math.max(0, Math.min(retryAfterMs, left)));  // the machine's pace, not a wait for a condition
        }

        store.restore();
        long back = System.nanoTime();
        String probe = orders.get(0);
        await("the device API answers again once the store is back").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> machine.http().signed("GET", "/api/v1/device/orders/" + probe, "").statusCode() == 200);
        long deviceBackMs = (System.nanoTime() - back) / 1_000_000;

        wechatSide.get(120, TimeUnit.SECONDS);
        await("Alipay's re-sent notice is answered success").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> alipayNotice(alipayOrder).body().equals("success"));
        long acknowledgedMs = (System.nanoTime() - back) / 1_000_000;
        var paid = new ArrayList<>(orders);
        paid.add(alipayOrder);
        try {
            FaultChecks.assertDispensedOnce(platform, machine, paid, Duration.ofSeconds(60));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + stories(paid), e);
        }
        long dispensedMs = (System.nanoTime() - back) / 1_000_000;
        FaultChecks.assertAuditClean(platform, from);

        List<FaultChecks.Delivery> duringOutage = deliveries.stream().filter(d -> d.answeredAt() < back).toList();
        long slowest = deliveries.stream().mapToLong(FaultChecks.Delivery::millis).max().orElse(0);
        long slowestDevice = deviceCalls.stream().mapToLong(Answer::millis).max().orElse(0);
        System.out.printf("store-outage %s: %d s cut; %d notification deliveries answered while it was cut, codes %s, slowest %d ms; "
                        + "%d device calls, codes %s, slowest %d ms; %d Alipay notices, answers %s; after restore the device "
                        + "API answered in %d ms, all %d notifications were acknowledged in %d ms and all were dispensed in %d ms%n",
                cut, OUTAGE.toSeconds(), duringOutage.size(), histogram(duringOutage.stream().map(d -> d.status() + " " + reasonOf(d.body())).toList()),
                slowest, deviceCalls.size(), histogram(deviceCalls.stream().map(c -> c.status() + " " + c.code()).toList()),
                slowestDevice, alipayAnswers.size(), histogram(alipayAnswers.stream().map(c -> c.status() + " " + c.body()).toList()),
                deviceBackMs, paid.size(), acknowledgedMs, dispensedMs);

        assertThat(duringOutage).as("notifications answered while the store was cut").isNotEmpty();
        assertThat(duringOutage).allSatisfy(d -> {
            assertThat(d.status()).as("answer to %s with the store cut: %s", d.orderNo(), d.body()).isBetween(500, 599);
            assertThat(Json.read(d.body()).path("code").asString()).as(d.body()).isEqualTo("FAIL");
        });
        assertThat(deliveries).allSatisfy(d -> assertThat(d.millis())
                .as("answer to %s (%d %s)", d.orderNo(), d.status(), d.body()).isLessThanOrEqualTo(ANSWER_BOUND_MS));
        assertThat(alipayAnswers).as("Alipay notices with the store cut").isNotEmpty().allSatisfy(c -> {
            assertThat(c.body()).isNotEqualTo("success");
            assertThat(c.status()).isEqualTo(503);
            assertThat(c.millis()).isLessThanOrEqualTo(ANSWER_BOUND_MS);
        });
        assertThat(deviceCalls).as("device calls with the store cut").isNotEmpty().allSatisfy(c -> {
            assertThat(c.status()).as(c.body()).isEqualTo(503);
            assertThat(c.code()).as(c.body()).isEqualTo("STORE_UNAVAILABLE");
            assertThat(c.retryAfter()).as("Retry-After of " + c.body()).isNotBlank();
            assertThat(c.millis()).as(c.body()).isLessThanOrEqualTo(ANSWER_BOUND_MS);
        });
    }

    /**
     * The bound that keeps a black-holed store from hanging a request is the driver's socket timeout, so a
     * statement that runs longer on a healthy store is cut too: the server's long work (audits,
     * reconciliations) lifts it on its own connection, and the pool puts it back when that is returned.
     */
    @Test
    void theSocketTimeoutBoundsTheHotPathButNotTheLongStatementsThatLiftIt() {
        assertThat(dataSource.getJdbcUrl()).contains("connectTimeout=2000").contains("socketTimeout=5000");
        String sixSeconds = "SELECT SLEEP(6)";
        assertThat(LongStatements.readOnly(tx, dataSource, () -> jdbc.sql(sixSeconds).query(Long.class).single())).isZero();
        assertThatThrownBy(() -> jdbc.sql(sixSeconds).query(Long.class).single())
                .as("a statement longer than the socket timeout, on a connection that did not lift it")
                .satisfies(e -> assertThat(StoreFailures.isUnavailable(e)).as(e.toString()).isTrue());
        assertThat(jdbc.sql("SELECT 1").query(Long.class).single()).isEqualTo(1);   // and the pool is fine
    }

    private HttpResponse<String> alipayNotice(String orderNo) {
        return platform.post("/api/v1/pay/alipay/notify", AlipayNotifications.formHeaders(),
                AlipayNotifications.form(platform.sandbox.alipayNotice(orderNo, "TRADE_SUCCESS")));
    }

    private static String reasonOf(String body) {
        return body.startsWith("{") ? Json.read(body).path("reason").asString() : "";
    }

    private String stories(List<String> orders) {
        var sb = new StringBuilder();
        orders.forEach(o -> sb.append(platform.story(o)).append('\n'));
        return sb.toString();
    }

    private static java.util.Map<String, Long> histogram(List<String> values) {
        return values.stream().collect(java.util.stream.Collectors.groupingBy(v -> v, java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
    }
}
