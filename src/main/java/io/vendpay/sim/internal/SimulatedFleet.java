package io.vendpay.sim.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.vendpay.shared.BoundedWorkers;
import io.vendpay.sandbox.PaymentSandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A handful of simulated machines selling continuously on the embedded default, so a new user
 * sees orders flow. They use only the public surfaces a real fleet uses: the operator API to be
 * provisioned, signed device HTTP to order, MQTT with their own credentials, and the sandbox's
 * customer side to pay.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.sim", name = "enabled", havingValue = "true", matchIfMissing = true)
class SimulatedFleet {

    private static final Logger log = LoggerFactory.getLogger("vendpay.sim");

    private final SimProperties props;
    private final PaymentSandbox sandbox;
    private final JsonMapper json;
    private final String adminToken;
    private final String mqttUrl;
    private final ScheduledExecutorService clock =
            Executors.newScheduledThreadPool(2, BoundedWorkers.daemonThreads("sim-machines"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<SimulatedMachine> machines = new ArrayList<>();
    private volatile String platformUrl;

    SimulatedFleet(SimProperties props, PaymentSandbox sandbox, JsonMapper json,
                   @Value("${vendpay.admin.token}") String adminToken,
                   @Value("${vendpay.mqtt.url:tcp://127.0.0.1:1883}") String mqttUrl) {
        this.props = props;
        this.sandbox = sandbox;
        this.json = json;
        this.adminToken = adminToken;
        this.mqttUrl = mqttUrl;
    }

    @EventListener
    void on(WebServerInitializedEvent e) {
        platformUrl = "http://127.0.0.1:" + e.getWebServer().getPort();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        clock.execute(() -> {
            for (int i = 1; i <= props.machines(); i++) {
                String id = String.format("sim-%03d", i);
                try {
                    String secret = provision(id, i);
                    var m = new SimulatedMachine(id, secret, props, platformUrl, sandbox, http, json, clock, mqttUrl);
                    m.start();
                    machines.add(m);
                } catch (Exception e) {
                    log.error("event=sim.machine_failed device={} error=\"{}\"", id, e.toString());
                }
            }
            log.info("event=sim.started machines={} platform={} sandbox={} (customers order every ~{} per machine)",
                    machines.size(), platformUrl, sandbox.baseUrl(), props.orderEvery());
        });
    }

    private String provision(String id, int n) throws Exception {
        var slots = List.of(
                Map.of("slot", "A1", "productId", "cola-330", "productName", "Cola 330ml", "priceFen", 350, "stock", 8, "capacity", 10),
                Map.of("slot", "A2", "productId", "water-550", "productName", "Mineral water 550ml", "priceFen", 200, "stock", 10, "capacity", 10),
                Map.of("slot", "B1", "productId", "tea-500", "productName", "Iced tea 500ml", "priceFen", 400, "stock", 6, "capacity", 8),
                Map.of("slot", "B2", "productId", "coffee-250", "productName", "Canned coffee 250ml", "priceFen", 650, "stock", 5, "capacity", 8));
        String body = json.writeValueAsString(Map.of("name", "Simulated machine " + n, "location", "Sandbox floor " + n, "slots", slots));
        var request = HttpRequest.newBuilder(URI.create(platformUrl + "/api/v1/admin/devices/" + id))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("provisioning answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body()).path("secret").asString();
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        machines.forEach(SimulatedMachine::stop);
        clock.shutdownNow();
    }
}
