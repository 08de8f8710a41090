package io.vendpay.fleet.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import io.vendpay.shared.LocalPorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The in-process MQTT broker of the embedded default (HiveMQ CE, embedded). Machines log in with
 * client id = username = device id and their secret as password; each may publish only to
 * {@code vend/<own id>/evt} and subscribe only to {@code vend/<own id>/cmd}. The platform's own
 * account may publish every {@code cmd} topic and read every {@code evt} topic.
 * <p>
 * The topic rules are HiveMQ's own default permissions, set per connection when it logs in, with
 * "deny" for everything they do not name and no retained publish anywhere. HiveMQ applies the same
 * permissions to a client's Last Will when it connects: a will on a topic the client may not publish
 * to, or a retained will, is answered CONNACK "not authorized" and the connection closed, so no such
 * will is ever stored, let alone published.
 * <p>
 * What it keeps across a crash: nothing. Its persistence is in memory (its folder under the data
 * directory is wiped at every start), so a {@code kill -9} or a restart loses the sessions,
 * subscriptions and in-flight messages it held. That is by design: what it held (a command on its way
 * to a machine that is away, a result not yet handed to the platform) is what the platform's own
 * durable re-send recovers anyway: the command stays in {@code dispense_command} and is re-published
 * under the same cmdId, and the machine answers a repeated cmdId with its stored result (contract
 * section 5). Machines subscribe on every connect, as the simulated ones do. It serves one node only.
 */
@Component
class EmbeddedBroker implements SmartLifecycle {

    static final int PHASE = 0;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final long START_TIMEOUT_S = 60;

    private final MqttProperties props;
    private final DeviceSecrets secrets;
    private final Path folder;
    private volatile EmbeddedHiveMQ server;
    private volatile boolean guarded;

    EmbeddedBroker(MqttProperties props, DeviceSecrets secrets, @Value("${vendpay.data-dir:./data}") String dataDir) {
        this.props = props;
        this.secrets = secrets;
        this.folder = Path.of(dataDir).toAbsolutePath().resolve("mqtt-broker");
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
        EmbeddedHiveMQ broker = null;
        try {
            Path conf = folder.resolve("conf");
            Path data = folder.resolve("data");
            Path extensions = folder.resolve("extensions");
            wipe(folder);
            Files.createDirectories(conf);
            Files.createDirectories(data);
            Files.createDirectories(extensions);
            Files.writeString(conf.resolve("config.xml"), config(host, port));
            var extension = EmbeddedExtension.builder()
                    .withId("vendpay-devices").withName("vendpay device login and topic rules").withVersion("1")
                    .withPriority(1000).withStartPriority(1000)
                    .withExtensionMain(new DeviceRules())
                    .build();
            broker = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf).withDataFolder(data).withExtensionsFolder(extensions)
                    .withEmbeddedExtension(extension)
                    .withoutLoggingBootstrap()
                    .build();
            broker.start().get(START_TIMEOUT_S, TimeUnit.SECONDS);
            if (!guarded) {
                throw new IllegalStateException("the device rules extension did not start");
            }
            server = broker;
            log.info("event=mqtt.broker.started host={} port={} broker=hivemq-ce sessions=memory start_ms={}", host, port,
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the embedded MQTT broker's folder " + folder, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(broker);
            throw new IllegalStateException("Interrupted while starting the embedded MQTT broker", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            stopQuietly(broker);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Cannot start the embedded MQTT broker on " + host + ":" + port
                    + " (" + cause + "); free the port or set vendpay.mqtt.url to a running broker", cause);
        }
    }

    @Override
    public void stop() {
        EmbeddedHiveMQ s = server;
        server = null;
        guarded = false;
        stopQuietly(s);
    }

    private static void stopQuietly(EmbeddedHiveMQ s) {
        if (s == null) {
            return;
        }
        try {
            s.stop().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("event=mqtt.broker.stop_failed error=\"{}\"", e.toString());
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

    static boolean isLocal(String host) {
        return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("0.0.0.0") || host.equals("::1"));
    }

    /** In-memory persistence, no usage statistics sent anywhere, no retained messages, packets up to 64 KiB. */
    private static String config(String host, int port) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <mqtt>
                        <packets>
                            <max-packet-size>65536</max-packet-size>
                        </packets>
                    </mqtt>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, host);
    }

    private static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private boolean simulator(String user) {
        return props.simulatorUsername() != null && !props.simulatorUsername().isBlank() && props.simulatorUsername().equals(user);
    }

    private static boolean matches(String configured, byte[] given) {
        return configured != null && MessageDigest.isEqual(configured.getBytes(StandardCharsets.UTF_8), given);
    }

    /** The extension: one authenticator for every connection; the permissions it grants are the topic rules. */
    private final class DeviceRules implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            var authenticator = new DeviceAuthenticator();
            Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
            guarded = true;
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
            guarded = false;
        }
    }

    private final class DeviceAuthenticator implements SimpleAuthenticator {
        @Override
        public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
            var connect = input.getConnectPacket();
            String clientId = connect.getClientId();
            String user = connect.getUserName().orElse(null);
            byte[] password = connect.getPassword().map(EmbeddedBroker::bytes).orElse(null);
            if (user == null || password == null) {
                output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "username and password required");
                return;
            }
            ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
            permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
            if (user.equals(props.username())) {
                if (!matches(props.password(), password)) {
                    output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password");
                    return;
                }
                permissions.add(publish("vend/+/cmd"));
                permissions.add(subscribe("vend/+/evt"));
            } else if (simulator(user)) {
                if (!matches(props.simulatorPassword(), password)) {
                    output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password");
                    return;
                }
                permissions.add(publish("vend/+/evt"));
                permissions.add(subscribe("vend/+/cmd"));
            } else {
                if (!user.equals(clientId) || !secrets.secret(user).map(s -> matches(s, password)).orElse(false)) {
                    output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password");
                    return;
                }
                // a device id is [A-Za-z0-9_-]{1,32} (DeviceAdminController): never a wildcard or a level separator
                permissions.add(publish("vend/" + user + "/evt"));
                permissions.add(subscribe("vend/" + user + "/cmd"));
            }
            output.authenticateSuccessfully();
        }
    }

    /** May publish there, never retained: a retained event would be replayed to the platform on every subscribe. */
    private static TopicPermission publish(String filter) {
        return Builders.topicPermission().topicFilter(filter)
                .type(TopicPermission.PermissionType.ALLOW)
                .activity(TopicPermission.MqttActivity.PUBLISH)
                .retain(TopicPermission.Retain.NOT_RETAINED)
                .build();
    }

    /** May subscribe there, directly or through a shared subscription (several nodes or bench gateways splitting one stream). */
    private static TopicPermission subscribe(String filter) {
        return Builders.topicPermission().topicFilter(filter)
                .type(TopicPermission.PermissionType.ALLOW)
                .activity(TopicPermission.MqttActivity.SUBSCRIBE)
                .sharedSubscription(TopicPermission.SharedSubscription.ALL)
                .build();
    }

    private static byte[] bytes(ByteBuffer b) {
        var copy = new byte[b.remaining()];
        b.duplicate().get(copy);
        return copy;
    }
}
