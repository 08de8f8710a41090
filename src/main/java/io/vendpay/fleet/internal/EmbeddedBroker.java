package io.vendpay.fleet.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Properties;

import io.moquette.broker.Server;
import io.vendpay.shared.LocalPorts;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The in-process MQTT broker of the embedded default (Moquette). Machines log in with
 * client id = username = device id and their secret as password; each may publish only to
 * {@code vend/<own id>/evt} and subscribe only to {@code vend/<own id>/cmd}. The platform's
 * own account may publish every {@code cmd} topic and read every {@code evt} topic; a Last Will
 * must obey the same rules ({@link WillGuard}).
 * <p>
 * It keeps its sessions in memory only. It lives and dies with the node: what its store could keep
 * across a crash (commands queued for a machine that is away, a result not yet handed to the
 * platform) is what the platform's own durable re-send recovers anyway: the command stays in
 * {@code dispense_command} and is re-published under the same cmdId, and the machine answers a
 * repeated cmdId with its stored result (contract section 5). Moquette 0.17's persisted in-flight
 * state is what wedged it after a kill -9 ({@code IllegalArgumentException: increment : 0} in
 * {@code PostOffice.publish2Subscribers}, then "Session command queue is full" and no command
 * delivered again). Machines subscribe on every connect, as the simulated ones do.
 */
@Component
class EmbeddedBroker implements SmartLifecycle {

    static final int PHASE = 0;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final MqttProperties props;
    private final DeviceSecrets secrets;
    private volatile Server server;
    private volatile boolean guarded;

    EmbeddedBroker(MqttProperties props, DeviceSecrets secrets) {
        this.props = props;
        this.secrets = secrets;
    }

    @Override
    public void start() {
        var uri = props.uri();
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? 1883 : uri.getPort();
        boolean wanted = props.embeddedBroker() != null ? props.embeddedBroker() : isLocal(host) && !LocalPorts.listening(host, port);
        if (!wanted) {
            log.info("event=mqtt.broker.external url={} (an MQTT broker already listens there; the embedded one stays off)", props.url());
            return;
        }
        long t0 = System.nanoTime();
        try {
            var p = new Properties();
            p.setProperty("host", host);
            p.setProperty("port", Integer.toString(port));
            p.setProperty("allow_anonymous", "false");
            p.setProperty("persistence_enabled", "false");
            p.setProperty("telemetry_enabled", "false");
            p.setProperty("websocket_port", "disabled");
            p.setProperty("netty.mqtt.message_size", "65536");
            var broker = new Server();
            broker.startServer(new MemoryConfig(p), List.of(), null, new DeviceAuthenticator(), new TopicPolicy());
            try {
                guardWills(broker);
            } catch (RuntimeException e) {
                broker.stopServer();
                throw e;
            }
            server = broker;
            log.info("event=mqtt.broker.started host={} port={} broker=moquette sessions=memory start_ms={}", host, port,
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded MQTT broker on " + host + ":" + port
                    + "; free the port or set vendpay.mqtt.url to a running broker", e);
        }
    }

    @Override
    public void stop() {
        Server s = server;
        server = null;
        if (s != null) {
            s.stopServer();
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Puts {@link WillGuard} into every new connection's pipeline. Moquette offers no hook for it: its
     * acceptor adds an optional handler of its own ({@code metrics}, unused here) between the decoder
     * and the broker for each connection it accepts, and that slot is filled here, by reflection, on the
     * version pinned in the pom (BrokerAccessTest fails if it stops working). Until it is in place no
     * machine may log in, so no connection is ever served without it.
     */
    private void guardWills(Server broker) {
        try {
            var acceptorField = Server.class.getDeclaredField("acceptor");
            acceptorField.setAccessible(true);
            Object acceptor = acceptorField.get(broker);
            var slot = acceptor.getClass().getDeclaredField("metrics");
            slot.setAccessible(true);
            if (((java.util.Optional<?>) slot.get(acceptor)).isPresent()) {
                throw new IllegalStateException("Moquette's metrics handler is in use; the will guard has no slot");
            }
            slot.set(acceptor, java.util.Optional.of(new WillGuard(this::mayPublish)));
            guarded = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot install the embedded broker's will guard (Moquette's internals changed?): "
                    + e + "; run an external broker with an ACL instead (vendpay.mqtt.url, docs/operations.md)", e);
        }
    }

    /** Whether {@code user} may publish on {@code topic}: the topic rules, for publishes and wills alike. */
    private boolean mayPublish(String topic, String user) {
        if (simulator(user)) {
            return topic.startsWith("vend/") && topic.endsWith("/evt") && topic.indexOf('/', 5) == topic.length() - 4;
        }
        if (props.username().equals(user)) {
            return topic.startsWith("vend/") && topic.endsWith("/cmd") && topic.indexOf('/', 5) == topic.length() - 4;
        }
        return topic.equals("vend/" + user + "/evt");
    }

    boolean embedded() {
        return server != null;
    }

    private boolean simulator(String user) {
        return props.simulatorUsername() != null && !props.simulatorUsername().isBlank() && props.simulatorUsername().equals(user);
    }

    static boolean isLocal(String host) {
        return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("0.0.0.0") || host.equals("::1"));
    }


    private final class DeviceAuthenticator implements IAuthenticator {
        @Override
        public boolean checkValid(String clientId, String username, byte[] password) {
            if (username == null || password == null || !guarded) {
                return false;
            }
            if (username.equals(props.username())) {
                return props.password() != null
                        && MessageDigest.isEqual(props.password().getBytes(StandardCharsets.UTF_8), password);
            }
            if (simulator(username)) {
                return props.simulatorPassword() != null
                        && MessageDigest.isEqual(props.simulatorPassword().getBytes(StandardCharsets.UTF_8), password);
            }
            if (!username.equals(clientId)) {
                return false;
            }
            return secrets.secret(username)
                    .map(s -> MessageDigest.isEqual(s.getBytes(StandardCharsets.UTF_8), password))
                    .orElse(false);
        }
    }

    private final class TopicPolicy implements IAuthorizatorPolicy {
        @Override
        public boolean canWrite(Topic topic, String user, String client) {
            return mayPublish(topic.toString(), user);
        }

        @Override
        public boolean canRead(Topic topic, String user, String client) {
            String t = topic.toString();
            if (simulator(user)) {
                return t.equals("vend/+/cmd") || t.startsWith("$share/") && t.endsWith("/vend/+/cmd");
            }
            if (props.username().equals(user)) {
                return t.equals("vend/+/evt") || (t.startsWith("vend/") && t.endsWith("/evt"));
            }
            return t.equals("vend/" + user + "/cmd");
        }
    }
}
