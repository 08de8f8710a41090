package io.vendpay.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A vending machine under the test's control: provisioned through the operator API, signing its
 * HTTP requests as contract section 2 says, and on MQTT with its own credentials. It answers
 * nothing by itself; the test decides each result.
 */
public final class TestMachine implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public final String deviceId;
    public final String secret;
    private final String baseUrl;
    private final String mqttUrl;
    private final BlockingQueue<JsonNode> commands = new LinkedBlockingQueue<>();
    private MqttClient mqtt;

    private TestMachine(String deviceId, String secret, String baseUrl, String mqttUrl) {
        this.deviceId = deviceId;
        this.secret = secret;
        this.baseUrl = baseUrl;
        this.mqttUrl = mqttUrl;
    }

    /** Provisions a machine with slot A1 (cola, 350 fen, capacity 10 or {@code stock} if more) holding {@code stock} units, and connects it. */
    public static TestMachine provision(Platform platform, int stock) {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"name\":\"Test machine\",\"location\":\"Lab\",\"slots\":[{\"slot\":\"A1\",\"productId\":\"cola-330\","
                + "\"productName\":\"Cola 330ml\",\"priceFen\":350,\"stock\":" + stock + ",\"capacity\":" + Math.max(10, stock) + "}]}";
        var r = platform.admin("PUT", "/api/v1/admin/devices/" + id, body);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("provisioning failed: " + r.statusCode() + " " + r.body());
        }
        String secret = JSON.readTree(r.body()).path("secret").asString();
        var m = new TestMachine(id, secret, platform.baseUrl(), platform.mqttUrl());
        m.connect();
        return m;
    }

    /** The same machine again (after a restart of the platform or of the machine), connected anew. */
    public static TestMachine reconnect(Platform platform, String deviceId, String secret) {
        var m = new TestMachine(deviceId, secret, platform.baseUrl(), platform.mqttUrl());
        m.connect();
        return m;
    }

    /**
     * Connects as a machine does: a CONNECT that timed out, or a connection the broker dropped (a broker
     * restarting, or one that drops a connection whose SUBSCRIBE arrives while it is still finishing the
     * CONNECT, as Moquette did), is tried again (twice at most); a refused one (bad credentials, not
     * authorised) fails at once.
     */
    void connect() {
        for (int attempt = 1; ; attempt++) {
            try {
                connectOnce();
                return;
            } catch (IllegalStateException e) {
                int reason = e.getCause() instanceof MqttException m ? m.getReasonCode() : -1;
                boolean transientFailure = reason == MqttException.REASON_CODE_CLIENT_TIMEOUT
                        || reason == MqttException.REASON_CODE_CONNECTION_LOST
                        || reason == MqttException.REASON_CODE_SERVER_CONNECT_ERROR
                        || reason == MqttException.REASON_CODE_BROKER_UNAVAILABLE;
                if (!transientFailure || attempt == 3) {
                    throw e;
                }
                System.err.println("test machine " + deviceId + ": MQTT connect attempt " + attempt + " failed (" + reason
                        + "), trying again");
                try {
                    if (mqtt != null) {
                        mqtt.close(true);
                    }
                } catch (MqttException ignored) {
                    // the client is replaced anyway
                }
            }
        }
    }

    private void connectOnce() {
        try {
            mqtt = new MqttClient(mqttUrl, deviceId, new MemoryPersistence());
            // Generous: on a loaded two-core CI box a CONNECT can wait seconds for the broker's session loop.
            mqtt.setTimeToWait(20_000);
            mqtt.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    commands.add(JSON.readTree(message.getPayload()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            var o = new MqttConnectOptions();
            o.setConnectionTimeout(20);
            o.setCleanSession(false);
            o.setUserName(deviceId);
            o.setPassword(secret.toCharArray());
            mqtt.connect(o);
            mqtt.subscribe("vend/" + deviceId + "/cmd", 1);
        } catch (MqttException e) {
            throw new IllegalStateException("machine " + deviceId + " cannot connect to " + mqttUrl
                    + " (MQTT reason " + e.getReasonCode() + ": " + e.getMessage() + ")", e);
        }
    }

    // ------------------------------------------------------------ HTTP

    public HttpResponse<String> order(String clientOrderId, String slot) {
        return order(clientOrderId, slot, "WECHAT");
    }

    public HttpResponse<String> order(String clientOrderId, String slot, String channel) {
        return signed("POST", "/api/v1/device/orders",
                "{\"clientOrderId\":\"" + clientOrderId + "\",\"slot\":\"" + slot + "\",\"channel\":\"" + channel + "\"}");
    }

    /** Creates a WeChat Pay order on A1 and returns its JSON (asserting 201). */
    public JsonNode newOrder() {
        return newOrder("WECHAT");
    }

    /** Creates an order on A1 paid through {@code channel} and returns its JSON (asserting 201). */
    public JsonNode newOrder(String channel) {
        var r = order("c-" + UUID.randomUUID(), "A1", channel);
        if (r.statusCode() != 201) {
            throw new AssertionError("order not created: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    public HttpResponse<String> signed(String method, String path, String body) {
        return send(method, path, body, Map.of());
    }

    /** Sends a signed request, then applies {@code override} to the headers (to forge or break them). */
    public HttpResponse<String> send(String method, String path, String body, Map<String, String> override) {
        String ts = override.getOrDefault("X-Timestamp", Long.toString(System.currentTimeMillis()));
        String nonce = override.getOrDefault("X-Nonce", UUID.randomUUID().toString().replace("-", ""));
        String signature = override.getOrDefault("X-Signature", sign(method, path, ts, nonce, body));
        var b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(15));
        Map<String, String> headers = new java.util.LinkedHashMap<>(Map.of("X-Device-Id", deviceId, "X-Timestamp", ts,
                "X-Nonce", nonce, "X-Signature", signature));
        headers.putAll(override);
        headers.forEach((k, v) -> {
            if (!v.isEmpty()) {
                b.header(k, v);
            }
        });
        if (method.equals("GET")) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String sign(String method, String path, String ts, String nonce, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((method + "\n" + path + "\n" + ts + "\n" + nonce + "\n" + body)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------ MQTT

    /** The next DISPENSE command, or {@code null} after {@code seconds}. */
    public JsonNode nextCommand(int seconds) {
        try {
            return commands.poll(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public List<JsonNode> drainCommands() {
        var all = new java.util.ArrayList<JsonNode>();
        commands.drainTo(all);
        return all;
    }

    public void answer(JsonNode command, boolean ok, String reason) {
        publish("{\"type\":\"DISPENSE_RESULT\",\"cmdId\":\"" + command.path("cmdId").asString() + "\",\"orderNo\":\""
                + command.path("orderNo").asString() + "\",\"ok\":" + ok
                + (reason == null ? "" : ",\"reason\":\"" + reason + "\"") + ",\"ts\":" + System.currentTimeMillis() + "}");
    }

    public void publish(String json) {
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                var m = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
                m.setQos(1);
                mqtt.publish("vend/" + deviceId + "/evt", m);
                return;
            } catch (MqttException e) {
                // Paho counts a QoS 1 publish in flight until its PUBACK is processed, a little after the
                // synchronous publish returns: a fast loop of publishes can find its window (10) full
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > giveUp) {
                    throw new IllegalStateException(e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            if (mqtt != null && mqtt.isConnected()) {
                mqtt.disconnect();
            }
            if (mqtt != null) {
                mqtt.close();
            }
        } catch (MqttException ignored) {
            // test teardown
        }
    }
}
