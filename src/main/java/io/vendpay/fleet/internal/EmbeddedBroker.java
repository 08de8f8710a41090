package io.vendpay.fleet.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The in-process MQTT broker of the embedded default (Moquette). Machines log in with
 * client id = username = device id and their secret as password; each may publish only to
 * {@code vend/<own id>/evt} and subscribe only to {@code vend/<own id>/cmd}. The platform's
 * own account may publish every {@code cmd} topic and read every {@code evt} topic.
 * Sessions are persisted under the data directory, so queued QoS 1 commands survive a restart.
 */
@Component
class EmbeddedBroker implements SmartLifecycle {

    static final int PHASE = 0;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final MqttProperties props;
    private final DeviceSecrets secrets;
    private final Path dataDir;
    private volatile Server server;

    EmbeddedBroker(MqttProperties props, DeviceSecrets secrets, @Value("${vendpay.data-dir}") String dataDir) {
        this.props = props;
        this.secrets = secrets;
        this.dataDir = MqttProperties.brokerDataDir(dataDir);
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
        try {
            Files.createDirectories(dataDir);
            var p = new Properties();
            p.setProperty("host", host);
            p.setProperty("port", Integer.toString(port));
            p.setProperty("allow_anonymous", "false");
            p.setProperty("persistence_enabled", "true");
            p.setProperty("data_path", dataDir.toString() + "/");
            p.setProperty("telemetry_enabled", "false");
            p.setProperty("websocket_port", "disabled");
            p.setProperty("netty.mqtt.message_size", "65536");
            var broker = new Server();
            broker.startServer(new MemoryConfig(p), List.of(), null, new DeviceAuthenticator(), new TopicPolicy());
            server = broker;
            log.info("event=mqtt.broker.started host={} port={} data={}", host, port, dataDir);
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
            if (username == null || password == null) {
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
            String t = topic.toString();
            if (simulator(user)) {
                return t.startsWith("vend/") && t.endsWith("/evt") && t.indexOf('/', 5) == t.length() - 4;
            }
            if (props.username().equals(user)) {
                return t.startsWith("vend/") && t.endsWith("/cmd") && t.indexOf('/', 5) == t.length() - 4;
            }
            return t.equals("vend/" + user + "/evt");
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
