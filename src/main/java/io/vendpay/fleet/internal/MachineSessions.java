package io.vendpay.fleet.internal;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ends every MQTT session of a machine whose secret was rotated: whoever held the old secret keeps no
 * connection, and the broker checks the new secret at the next CONNECT. It connects once as the machine
 * itself (client id = device id, the new secret, clean session) and leaves: MQTT makes the broker drop
 * the connection already open under that client id (a session takeover, MQTT 3.1.1 section 3.1.4).
 * That works on any broker without an admin API: the embedded one knows the new secret at once; an
 * external one (Mosquitto's password file) must have been given it first, or the takeover is refused and
 * the operator is told. A persistent session of the machine is discarded with it; commands it held are
 * re-sent by the platform under the same cmdId.
 */
@Component
class MachineSessions {

    private static final Logger log = LoggerFactory.getLogger(MachineSessions.class);
    private static final int CONNECT_TIMEOUT_S = 3;

    private final MqttProperties props;

    MachineSessions(MqttProperties props) {
        this.props = props;
    }

    /** Whether the broker took the takeover (so no older session of {@code deviceId} is left). */
    boolean endAll(String deviceId, String newSecret) {
        long start = System.nanoTime();
        try (var client = new MqttClient(props.url(), deviceId, new MemoryPersistence())) {
            var options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setAutomaticReconnect(false);
            options.setConnectionTimeout(CONNECT_TIMEOUT_S);
            options.setKeepAliveInterval(0);
            options.setUserName(deviceId);
            options.setPassword(newSecret.toCharArray());
            client.connect(options);
            client.disconnect(0);
            log.info("event=device.sessions_ended device={} took_ms={} (secret rotated; sessions opened with the old one are closed)",
                    deviceId, (System.nanoTime() - start) / 1_000_000);
            return true;
        } catch (MqttException e) {
            log.warn("event=device.sessions_not_ended device={} reason=\"{}\" (secret rotated, but the broker at {} refused a "
                    + "connection with the new one: give the broker the new secret, then rotate again or restart the broker "
                    + "to end sessions opened with the old secret)", deviceId, e.getMessage(), props.url());
            return false;
        }
    }
}
