package io.vendpay.testing;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.vendpay.fleet.MachineLink;
import io.vendpay.sandbox.PaymentSandbox;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The running platform as a test sees it from outside: its base URL, the operator API, the
 * MQTT URL, the payment sandbox, and SQL for checking invariants in the store itself.
 */
public final class Platform {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;
    private final String adminToken;
    private final String mqttUrl;
    public final PaymentSandbox sandbox;
    public final JdbcClient sql;

    public Platform(int port, String adminToken, String mqttUrl, PaymentSandbox sandbox, JdbcClient sql) {
        this.port = port;
        this.adminToken = adminToken;
        this.mqttUrl = mqttUrl;
        this.sandbox = sandbox;
        this.sql = sql;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String mqttUrl() {
        return mqttUrl;
    }

    public int port() {
        return port;
    }

    public String adminToken() {
        return adminToken;
    }

    public HttpResponse<String> admin(String method, String path, String body) {
        var b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + adminToken);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return send(b.build());
    }

    public HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) {
        var b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        if (!headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/json");
        }
        return send(b.build());
    }

    public JsonNode order(String orderNo) {
        var r = admin("GET", "/api/v1/admin/orders/" + orderNo, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET order " + orderNo + ": " + r.statusCode() + " " + r.body());
        }
        return TestMachine.JSON.readTree(r.body());
    }

    public String status(String orderNo) {
        return sql.sql("SELECT status FROM orders WHERE order_no = ?").param(orderNo).query(String.class).single();
    }

    public long count(String sqlText, Object... args) {
        return sql.sql(sqlText).params(List.of(args)).query(Long.class).single();
    }

    /** One sale through {@code channel} until DISPENSED: order, pay, command, the machine's ok. Returns the order number. */
    public String sell(TestMachine machine, String channel) {
        JsonNode order = machine.newOrder(channel);
        String orderNo = order.path("orderNo").asString();
        pay(order);
        JsonNode command = machine.nextCommand(10);
        if (command == null) {
            throw new AssertionError("no dispense command for " + orderNo);
        }
        machine.answer(command, true, null);
        awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
        return orderNo;
    }

    /**
     * Waits until the platform's MQTT link is connected and subscribed, as it is once a node has
     * finished starting: the link connects asynchronously after every start (and after Spring resumes
     * a paused test context), and a machine result published before it is back can come seconds late.
     */
    public static void awaitLinkUp(MachineLink link, String mqttUrl) {
        await("the platform's MQTT link is up and subscribed to " + mqttUrl).atMost(Duration.ofSeconds(30)).until(link::connected);
    }

    /** Waits until the order reaches {@code status}; on timeout the failure names the order and the status wanted. */
    public void awaitStatus(String orderNo, String status, Duration within) {
        try {
            await("order " + orderNo + " reaches " + status).atMost(within)
                    .until(() -> status(orderNo).equals(status));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; it is " + status(orderNo) + "\n" + story(orderNo), e);
        }
    }

    /**
     * The order's timeline and its dispense command, times in ms after the order was created: what a
     * failing test prints, so that a failure on a CI machine tells which step came late.
     */
    public String story(String orderNo) {
        var out = new StringBuilder("story of ").append(orderNo).append(':');
        long created = sql.sql("SELECT created_at FROM orders WHERE order_no = ?").param(orderNo).query(Long.class).single();
        sql.sql("SELECT occurred_at, type, from_status, to_status, detail FROM order_event WHERE order_no = ? ORDER BY id")
                .param(orderNo).query((rs, n) -> String.format("%n  +%d ms %s %s->%s %s", rs.getLong(1) - created,
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list().forEach(out::append);
        sql.sql("SELECT status, created_at, first_sent_at, last_sent_at, send_count, unknown_at FROM dispense_command WHERE order_no = ?")
                .param(orderNo).query((rs, n) -> String.format("%n  command %s created +%d first_sent %s last_sent %s sends %d unknown %s",
                        rs.getString(1), rs.getLong(2) - created, offset(rs.getObject(3), created), offset(rs.getObject(4), created),
                        rs.getInt(5), offset(rs.getObject(6), created)))
                .list().forEach(out::append);
        return out.toString();
    }

    private static String offset(Object at, long from) {
        return at == null ? "-" : "+" + (((Number) at).longValue() - from);
    }

    /** Moves an unpaid order's clock past its expiry, as if its two minutes had passed. */
    public void expireNow(String orderNo) {
        long past = System.currentTimeMillis() - 1;
        sql.sql("UPDATE orders SET expires_at = ?, due_at = ? WHERE order_no = ?").params(past, past, orderNo).update();
    }

    /** Pays the order's QR code in the sandbox with its own amount, with the notification sent. */
    public String pay(JsonNode order) {
        return sandbox.pay(order.path("qrCode").asString(), null, true);
    }

    private static HttpResponse<String> send(HttpRequest r) {
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
