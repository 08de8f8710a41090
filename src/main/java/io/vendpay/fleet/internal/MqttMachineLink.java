package io.vendpay.fleet.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.fleet.MachineLink;
import io.vendpay.shared.BoundedWorkers;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The platform's MQTT client. Persistent session under a stable client id, so events machines
 * publish while the service restarts are kept by the broker. Incoming messages are acknowledged
 * manually, after {@link MachineEventIntake} has handled them; the intake pool blocks the reader when
 * full, which slows the broker down instead of dropping events. Commands are published QoS 1 and
 * kept in the database by their owner, so nothing here needs to persist anything.
 */
@Component
class MqttMachineLink implements MachineLink, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MqttMachineLink.class);

    private final MqttProperties props;
    private final MachineEventIntake intake;
    private final ThreadPoolExecutor inbound;
    private final Counter published;
    private final ScheduledExecutorService connector =
            Executors.newSingleThreadScheduledExecutor(BoundedWorkers.daemonThreads("mqtt-connect"));
    private volatile MqttAsyncClient client;
    private volatile boolean running;
    /** The broker granted the subscription to machine events on the current connection. */
    private volatile boolean subscribed;
    /** Wait before the next connect attempt; doubles per failure up to max-reconnect-delay, 1 s again once connected. */
    private long retryMillis = 1_000;

    MqttMachineLink(MqttProperties props, MachineEventIntake intake, MeterRegistry meters,
                    EmbeddedBroker broker /* started first: lower lifecycle phase */) {
        this.props = props;
        this.intake = intake;
        this.inbound = BoundedWorkers.blocking("mqtt-inbound", props.inboundWorkers(), props.inboundQueue(), meters);
        this.published = Counter.builder("vendpay_mqtt_published").description("Commands handed to the broker").register(meters);
        Gauge.builder("vendpay_mqtt_connected", this, l -> l.connected() ? 1 : 0)
                .description("1 when the link is up and subscribed to machine events").register(meters);
    }

    @Override
    public CompletableFuture<Void> sendCommand(String deviceId, byte[] payload) {
        var done = new CompletableFuture<Void>();
        MqttAsyncClient c = client;
        if (c == null || !c.isConnected()) {
            done.completeExceptionally(new IllegalStateException("MQTT link to " + props.url() + " is down"));
            return done;
        }
        try {
            var message = new MqttMessage(payload);
            message.setQos(1);
            c.publish("vend/" + deviceId + "/cmd", message, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    published.increment();
                    done.complete(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (MqttException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public boolean connected() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected() && subscribed;
    }

    @Override
    public void start() {
        running = true;
        try {
            client = new MqttAsyncClient(props.url(), props.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalStateException("Bad vendpay.mqtt.url " + props.url() + ": " + e.getMessage(), e);
        }
        client.setManualAcks(true);
        client.setCallback(new Callback());
        connector.execute(this::connect);
    }

    private void connect() {
        MqttAsyncClient c = client;
        if (!running || c == null) {
            return;
        }
        var options = new MqttConnectOptions();
        options.setCleanSession(false);
        // Our own reconnect loop, not Paho's: after a SIGKILLed Mosquitto came back, Paho 1.2.5's automatic
        // reconnect never connected again (60 s watched, BrokerKilledIT); its cycle also stops for good when
        // one attempt throws instead of failing, and its delay grows to 128 s.
        options.setAutomaticReconnect(false);
        options.setMaxInflight(props.maxInflight());
        options.setKeepAliveInterval(30);
        // A CONNECT answers in milliseconds; one that does not within 5 s is abandoned and tried again. After a
        // broker restart, Paho's first attempt on the old client sometimes never completed (BrokerKilledIT):
        // waiting 15 s for it kept every machine without commands for that long.
        options.setConnectionTimeout(5);
        if (props.username() != null && !props.username().isBlank()) {
            options.setUserName(props.username());
            if (props.password() != null) {
                options.setPassword(props.password().toCharArray());
            }
        }
        try {
            c.connect(options).waitForCompletion(6_000);
            retryMillis = 1_000;
        } catch (MqttException e) {
            log.warn("event=mqtt.connect_failed url={} reason=\"{}\" retry_in_ms={}", props.url(), e.getMessage(), retryMillis);
            if (c.isConnected()) {
                return;     // the attempt timed out here but completed meanwhile
            }
            try {
                c.disconnectForcibly(0, 1_000, false);    // a half-open attempt must not block the next one
            } catch (MqttException ignored) {
                // nothing to close
            }
            reconnectLater();
        }
    }

    private void reconnectLater() {
        if (!running) {
            return;
        }
        long wait = retryMillis;
        retryMillis = Math.min(retryMillis * 2, Math.max(1_000, props.maxReconnectDelay().toMillis()));
        connector.schedule(this::connect, wait, TimeUnit.MILLISECONDS);
    }

    private void subscribe(MqttAsyncClient c) {
        String filter = props.sharedGroup() == null || props.sharedGroup().isBlank()
                ? "vend/+/evt" : "$share/" + props.sharedGroup() + "/vend/+/evt";
        try {
            c.subscribe(filter, 1, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int granted = token.getGrantedQos() == null || token.getGrantedQos().length == 0 ? -1 : token.getGrantedQos()[0];
                    if (granted == 0x80) {
                        log.error("event=mqtt.subscribe_refused filter={} (the broker's ACL refuses the platform account)", filter);
                    } else {
                        subscribed = true;
                        log.info("event=mqtt.subscribed filter={} qos={}", filter, granted);
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    log.error("event=mqtt.subscribe_failed filter={} reason=\"{}\"", filter, e.getMessage());
                }
            });
        } catch (MqttException e) {
            log.error("event=mqtt.subscribe_failed filter={} reason=\"{}\"", filter, e.getMessage());
        }
    }

    /** Disconnects; {@link #start} connects again (the broker kept the session). Pools live until destroy. */
    @Override
    public void stop() {
        running = false;
        subscribed = false;
        MqttAsyncClient c = client;
        client = null;
        if (c != null) {
            try {
                if (c.isConnected()) {
                    c.disconnect(2_000).waitForCompletion(3_000);
                }
                c.close(true);
            } catch (MqttException e) {
                log.debug("event=mqtt.close_error reason=\"{}\"", e.getMessage());
            }
        }
    }

    @jakarta.annotation.PreDestroy
    void destroy() {
        stop();
        connector.shutdownNow();
        inbound.shutdown();
        try {
            inbound.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return EmbeddedBroker.PHASE + 100;
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            subscribed = false;
            log.info("event=mqtt.connected url={} reconnect={}", serverURI, reconnect);
            MqttAsyncClient c = client;
            if (c != null) {
                subscribe(c);
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            subscribed = false;
            log.warn("event=mqtt.connection_lost reason=\"{}\" (reconnecting)", cause == null ? "" : cause.getMessage());
            connector.execute(MqttMachineLink.this::reconnectLater);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            MqttAsyncClient c = client;
            if (c == null) {
                return; // stopping: not acknowledged, so the broker delivers it again after the restart
            }
            int id = message.getId();
            int qos = message.getQos();
            byte[] payload = message.getPayload();
            inbound.execute(() -> {
                try {
                    intake.handle(topic, payload);
                } finally {
                    try {
                        c.messageArrivedComplete(id, qos);
                    } catch (MqttException e) {
                        log.debug("event=mqtt.ack_failed id={} reason=\"{}\"", id, e.getMessage());
                    }
                }
            });
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
