package io.vendpay.sim.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vendpay.sandbox.PaymentSandbox;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One simulated vending machine, behaving as contract section 5 requires of real ones: it
 * executes a command id at most once and answers a repeated one with its first result, and it
 * keeps results it could not publish until it reconnects.
 */
final class SimulatedMachine {

    private static final Logger log = LoggerFactory.getLogger("vendpay.sim");
    private static final String[] SLOTS = {"A1", "A2", "B1", "B2"};
    private static final int[] CAPACITY = {10, 10, 8, 8};
    private static final ThreadLocal<Mac> HMAC = io.vendpay.shared.NativeCrypto.macPerThread("HmacSHA256");

    private final String id;
    private final byte[] key;
    private final String secret;
    private final SimProperties props;
    private final String platformUrl;
    private final PaymentSandbox sandbox;
    private final HttpClient http;
    private final JsonMapper json;
    private final ScheduledExecutorService clock;
    private final String mqttUrl;
    private final ConcurrentHashMap<String, byte[]> results = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<byte[]> unsent = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> orderedAt = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private volatile MqttAsyncClient mqtt;
    private volatile boolean running = true;

    SimulatedMachine(String id, String secret, SimProperties props, String platformUrl, PaymentSandbox sandbox,
                     HttpClient http, JsonMapper json, ScheduledExecutorService clock, String mqttUrl) {
        this.id = id;
        this.secret = secret;
        this.key = Base64.getDecoder().decode(secret);
        this.props = props;
        this.platformUrl = platformUrl;
        this.sandbox = sandbox;
        this.http = http;
        this.json = json;
        this.clock = clock;
        this.mqttUrl = mqttUrl;
    }

    void start() throws MqttException {
        mqtt = new MqttAsyncClient(mqttUrl, id, new MemoryPersistence());
        mqtt.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                try {
                    mqtt.subscribe("vend/" + id + "/cmd", 1);
                } catch (MqttException e) {
                    log.warn("event=sim.subscribe_failed device={} error=\"{}\"", id, e.getMessage());
                }
                for (byte[] r; (r = unsent.poll()) != null; ) {
                    publish(r);
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onCommand(message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        var options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setUserName(id);
        options.setPassword(secret.toCharArray());
        options.setKeepAliveInterval(30);
        mqtt.connect(options).waitForCompletion(10_000);
        clock.scheduleAtFixedRate(this::heartbeat, 0, props.heartbeatEvery().toMillis(), TimeUnit.MILLISECONDS);
        scheduleNextCustomer();
    }

    void stop() {
        running = false;
        try {
            if (mqtt.isConnected()) {
                mqtt.disconnect().waitForCompletion(2000);
            }
            mqtt.close();
        } catch (MqttException ignored) {
            // shutting down
        }
    }

    // ------------------------------------------------------------ customers

    private void scheduleNextCustomer() {
        if (running) {
            clock.schedule(this::customer, exponential(props.orderEvery()), TimeUnit.MILLISECONDS);
        }
    }

    private void customer() {
        try {
            int i = ThreadLocalRandom.current().nextInt(SLOTS.length);
            String clientOrderId = id + "-" + System.currentTimeMillis() + "-" + seq.incrementAndGet();
            String channel = ThreadLocalRandom.current().nextDouble() < props.alipayShare() ? "ALIPAY" : "WECHAT";
            String body = "{\"clientOrderId\":\"" + clientOrderId + "\",\"slot\":\"" + SLOTS[i] + "\",\"channel\":\"" + channel + "\"}";
            var response = signed("POST", "/api/v1/device/orders", body);
            if (response.statusCode() == 201 || response.statusCode() == 200) {
                JsonNode order = json.readTree(response.body());
                String orderNo = order.path("orderNo").asString();
                orderedAt.put(orderNo, System.currentTimeMillis());
                if (ThreadLocalRandom.current().nextDouble() < props.neverPayRate()) {
                    log.info("event=sim.order device={} order_no={} slot={} outcome=WALKED_AWAY (the order will expire)", id, orderNo, SLOTS[i]);
                    orderedAt.remove(orderNo);
                } else {
                    String qr = order.path("qrCode").asString();
                    clock.schedule(() -> pay(orderNo, qr), exponential(props.payDelay()), TimeUnit.MILLISECONDS);
                }
            } else if (response.statusCode() == 409 && response.body().contains("OUT_OF_STOCK")) {
                restock(i);
            } else {
                log.warn("event=sim.order_refused device={} status={} body={}", id, response.statusCode(), response.body());
            }
        } catch (Exception e) {
            log.warn("event=sim.order_failed device={} error=\"{}\"", id, e.toString());
        } finally {
            scheduleNextCustomer();
        }
    }

    private void pay(String orderNo, String qr) {
        try {
            sandbox.pay(qr, null, true);
        } catch (RuntimeException e) {
            log.warn("event=sim.pay_failed device={} order_no={} error=\"{}\"", id, orderNo, e.getMessage());
        }
    }

    private void restock(int slot) {
        var msg = new LinkedHashMap<String, Object>();
        msg.put("type", "STOCK");
        msg.put("slots", List.of(Map.of("slot", SLOTS[slot], "stock", CAPACITY[slot])));
        msg.put("ts", System.currentTimeMillis());
        publish(json.writeValueAsBytes(msg));
        log.info("event=sim.restocked device={} slot={} stock={}", id, SLOTS[slot], CAPACITY[slot]);
    }

    // ------------------------------------------------------------ machine side

    private void onCommand(byte[] payload) {
        JsonNode cmd;
        try {
            cmd = json.readTree(payload);
        } catch (RuntimeException e) {
            return;
        }
        if (!"DISPENSE".equals(cmd.path("type").asString(""))) {
            return;
        }
        String cmdId = cmd.path("cmdId").asString();
        byte[] first = results.get(cmdId);
        if (first != null) {
            publish(first);
            return;
        }
        String orderNo = cmd.path("orderNo").asString();
        clock.schedule(() -> vend(cmdId, orderNo), props.dispenseTime().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void vend(String cmdId, String orderNo) {
        boolean ok = ThreadLocalRandom.current().nextDouble() >= props.dispenseFailureRate();
        var result = new LinkedHashMap<String, Object>();
        result.put("type", "DISPENSE_RESULT");
        result.put("cmdId", cmdId);
        result.put("orderNo", orderNo);
        result.put("ok", ok);
        if (!ok) {
            result.put("reason", "MOTOR_JAM");
        }
        result.put("ts", System.currentTimeMillis());
        byte[] bytes = json.writeValueAsBytes(result);
        byte[] first = results.putIfAbsent(cmdId, bytes);
        publish(first != null ? first : bytes);
        followUp(orderNo, 0);
    }

    private static final long[] FOLLOW_UP_MS = {1_000, 3_000, 10_000, 30_000, 60_000};

    /** Reads the order back until it settles, to tell its story in the log. */
    private void followUp(String orderNo, int step) {
        if (!running || step >= FOLLOW_UP_MS.length) {
            return;
        }
        clock.schedule(() -> {
            try {
                var r = signed("GET", "/api/v1/device/orders/" + orderNo, "");
                String status = json.readTree(r.body()).path("status").asString("");
                if (status.equals("DISPENSED") || status.equals("REFUNDED")) {
                    Long t0 = orderedAt.remove(orderNo);
                    log.info("event=sim.order device={} order_no={} outcome={} ms_since_order={}", id, orderNo, status,
                            t0 == null ? -1 : System.currentTimeMillis() - t0);
                } else {
                    followUp(orderNo, step + 1);
                }
            } catch (Exception e) {
                followUp(orderNo, step + 1);
            }
        }, FOLLOW_UP_MS[step], TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        publish(("{\"type\":\"HEARTBEAT\",\"ts\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8));
    }

    private void publish(byte[] payload) {
        try {
            if (!mqtt.isConnected()) {
                unsent.add(payload);
                return;
            }
            var m = new MqttMessage(payload);
            m.setQos(1);
            mqtt.publish("vend/" + id + "/evt", m);
        } catch (MqttException e) {
            unsent.add(payload);
        }
    }

    // ------------------------------------------------------------ signed HTTP

    private HttpResponse<String> signed(String method, String path, String body) throws Exception {
        String ts = Long.toString(System.currentTimeMillis());
        String nonce = UUID.randomUUID().toString().replace("-", "");
        String signature = hmac(method + "\n" + path + "\n" + ts + "\n" + nonce + "\n" + body);
        var b = HttpRequest.newBuilder(URI.create(platformUrl + path)).timeout(Duration.ofSeconds(10))
                .header("X-Device-Id", id).header("X-Timestamp", ts).header("X-Nonce", nonce).header("X-Signature", signature);
        if (method.equals("POST")) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.GET();
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String hmac(String message) throws GeneralSecurityException {
        Mac mac = HMAC.get();
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    private static long exponential(Duration mean) {
        return (long) (-Math.log(1 - ThreadLocalRandom.current().nextDouble()) * mean.toMillis());
    }
}
