package io.vendpay.bench.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulated fleet: machines provisioned through the operator API, driven over a handful of
 * shared MQTT connections (one reads every machine's {@code cmd} topic, a few publish their
 * {@code evt} topics) so that the generator, not the broker, stays small.
 */
final class LoadFleet implements AutoCloseable {

    private static final int PUBLISHERS = 4;

    private final BenchServer server;
    private final String runTag;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<byte[]> keys = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final List<MqttAsyncClient> publishers = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private MqttAsyncClient subscriber;
    final AtomicLong publishFailures = new AtomicLong();

    LoadFleet(BenchServer server, String runTag, HttpClient http) {
        this.server = server;
        this.runTag = runTag;
        this.http = http;
    }

    int size() {
        return ids.size();
    }

    String id(int i) {
        return ids.get(i);
    }

    byte[] key(int i) {
        return keys.get(i);
    }

    /** Provisions machines until there are {@code n}: two slots each, stocked for the whole run. */
    void growTo(int n, java.io.PrintStream progress) throws Exception {
        int from = ids.size();
        if (n <= from) {
            return;
        }
        var secrets = new String[n - from];
        var inFlight = new Semaphore(32);
        var futures = new ArrayList<CompletableFuture<Void>>();
        var failures = new ConcurrentHashMap<String, String>();
        String body = "{\"name\":\"bench machine\",\"location\":\"bench\",\"slots\":["
                + "{\"slot\":\"A1\",\"productId\":\"cola-330\",\"productName\":\"Cola 330ml\",\"priceFen\":350,\"stock\":10000,\"capacity\":10000},"
                + "{\"slot\":\"B1\",\"productId\":\"tea-500\",\"productName\":\"Iced tea 500ml\",\"priceFen\":400,\"stock\":10000,\"capacity\":10000}]}";
        for (int i = from; i < n; i++) {
            String id = deviceId(i);
            int k = i - from;
            inFlight.acquire();
            var req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/admin/devices/" + id))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + server.adminToken())
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();
            futures.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
                inFlight.release();
                if (e != null || r.statusCode() != 200) {
                    failures.put(id, e != null ? e.toString() : r.statusCode() + " " + r.body());
                } else {
                    secrets[k] = json.readTree(r.body()).path("secret").asString();
                }
                return null;
            }));
            if (progress != null && (k + 1) % 2000 == 0) {
                progress.printf("\rbench: provisioning machines %d/%d", i + 1, n);
            }
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " machines could not be provisioned, e.g. " + failures.entrySet().iterator().next());
        }
        for (int i = from; i < n; i++) {
            ids.add(deviceId(i));
            keys.add(Base64.getDecoder().decode(secrets[i - from]));
        }
        if (progress != null) {
            progress.printf("\rbench: %d machines provisioned%n", n);
        }
    }

    private String deviceId(int i) {
        return "b" + runTag + "-" + i;
    }

    /**
     * Connects the shared MQTT connections; {@code onCommand} gets (deviceId, command) for every DISPENSE.
     * The subscription is made on every (re)connect, as the platform and the simulated machines make
     * theirs: a broker that restarts keeps no subscription of a clean session (and some brokers drop a
     * connection whose SUBSCRIBE arrives while it is still finishing the CONNECT), and the reconnect must
     * not come back deaf.
     */
    void connect(BiConsumer<String, JsonNode> onCommand) throws MqttException, InterruptedException {
        subscriber = client("sub");
        var subscribed = new CountDownLatch(1);
        subscriber.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                try {
                    subscriber.subscribe("vend/+/cmd", 1, null, new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            subscribed.countDown();
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable cause) {
                            // the connection was dropped; the automatic reconnect subscribes again
                        }
                    });
                } catch (MqttException e) {
                    // the same: not connected any more, the next connectComplete retries
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                String deviceId = topic.substring(5, topic.length() - 4);
                onCommand.accept(deviceId, json.readTree(message.getPayload()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        subscriber.connect(options()).waitForCompletion(10_000);
        if (!subscribed.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the bench could not subscribe to vend/+/cmd on " + server.mqttUrl()
                    + " within 30 s; check the broker account (--mqtt-username) may read every machine's commands");
        }
        for (int i = 0; i < PUBLISHERS; i++) {
            MqttAsyncClient c = client("pub" + i);
            c.connect(options()).waitForCompletion(10_000);
            publishers.add(c);
        }
    }

    void publish(String deviceId, String payload) {
        MqttAsyncClient c = publishers.get(Math.floorMod(next.getAndIncrement(), publishers.size()));
        var m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        try {
            c.publish("vend/" + deviceId + "/evt", m);
        } catch (MqttException e) {
            publishFailures.incrementAndGet();
        }
    }

    private MqttAsyncClient client(String role) throws MqttException {
        return new MqttAsyncClient(server.mqttUrl(), "vendpay-bench-" + runTag + "-" + role, new MemoryPersistence());
    }

    private MqttConnectOptions options() {
        var o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(true);
        o.setMaxInflight(20_000);
        o.setKeepAliveInterval(30);
        if (server.mqttUsername() != null) {
            o.setUserName(server.mqttUsername());
            o.setPassword(server.mqttPassword().toCharArray());
        }
        return o;
    }

    @Override
    public void close() {
        var all = new ArrayList<>(publishers);
        if (subscriber != null) {
            all.add(subscriber);
        }
        for (MqttAsyncClient c : all) {
            try {
                if (c.isConnected()) {
                    c.disconnect(1_000).waitForCompletion(2_000);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // closing
            }
        }
    }
}
