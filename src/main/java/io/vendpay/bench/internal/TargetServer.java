package io.vendpay.bench.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.json.JsonMapper;

/**
 * A server that is already running ({@code --target URL}) with its own sandbox (the embedded
 * default): the bench pays through the sandbox's customer side over HTTP, found through
 * {@code GET /api/v1/admin/sandbox}. Its broker and simulator account come from the options.
 */
final class TargetServer extends BenchServer {

    private final String sandboxUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    TargetServer(String baseUrl, String token, String mqttUrl, String mqttUser, String mqttPassword) throws Exception {
        super(baseUrl, token, mqttUrl, mqttUser, mqttPassword, "target");
        var r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/admin/sandbox"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("the target has no payment sandbox (GET /api/v1/admin/sandbox answered "
                    + r.statusCode() + "); the bench pays through the sandbox, so target an embedded-default server");
        }
        this.sandboxUrl = json.readTree(r.body()).path("baseUrl").asString();
    }

    @Override
    Customers customers() {
        return new Customers() {
            @Override
            public String pay(String qrCode, boolean notify, int copies) throws Exception {
                String body = json.writeValueAsString(java.util.Map.of("qrCode", qrCode, "notify", notify, "copies", copies));
                var r = http.send(HttpRequest.newBuilder(URI.create(sandboxUrl + "/sandbox/pay")).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("sandbox refused payment: " + r.statusCode() + " " + r.body());
                }
                return json.readTree(r.body()).path("transactionId").asString();
            }

            @Override
            public long deliveryAttempts() throws Exception {
                var r = http.send(HttpRequest.newBuilder(URI.create(sandboxUrl + "/sandbox/deliveries")).build(),
                        HttpResponse.BodyHandlers.ofString());
                return json.readTree(r.body()).path("attempts").asLong();
            }
        };
    }

    @Override
    double cpuSeconds() {
        return Double.NaN;
    }

    @Override
    public void close() {
    }
}
