package io.vendpay.fleet.internal;


import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The MQTT link (contract section 5 and 7).
 *
 * @param url              broker URL; the embedded default starts its own broker here when nothing listens yet
 * @param embeddedBroker   force the in-process broker on or off; unset: on while {@code url} is on this host and free
 * @param username         the platform's own broker account
 * @param password         its password (generated into the data directory when unset)
 * @param clientId         stable client id: with a persistent session, machine events published while the
 *                         service restarts wait in the broker instead of being dropped
 * @param sharedGroup      when set, subscribe through {@code $share/<group>/vend/+/evt} so several nodes split the events
 * @param inboundWorkers   threads that process machine events (mostly waiting for the commit their results share)
 * @param inboundQueue     events waiting for a worker; when full, the MQTT reader waits (backpressure to the broker)
 * @param maxInflight      QoS 1 publishes awaiting PUBACK
 * @param maxReconnectDelay longest wait between two connect attempts after the broker went away: the wait doubles
 *                          from 1 s up to this, so a broker that comes back is found within it (Paho's own
 *                          automatic reconnect grows to 128 s)
 * @param simulatorUsername embedded broker only, off unless set: an account that may read every {@code cmd} topic and
 *                          publish every {@code evt} topic, so the peak simulator can drive many machines over a few
 *                          connections. Never set it where real machines connect.
 */
@ConfigurationProperties("vendpay.mqtt")
record MqttProperties(
        @DefaultValue("tcp://127.0.0.1:1883") String url,
        Boolean embeddedBroker,
        @DefaultValue("vendpay-platform") String username,
        String password,
        @DefaultValue("vendpay-platform") String clientId,
        String sharedGroup,
        @DefaultValue("16") int inboundWorkers,
        @DefaultValue("2000") int inboundQueue,
        @DefaultValue("2000") int maxInflight,
        @DefaultValue("5s") java.time.Duration maxReconnectDelay,
        String simulatorUsername,
        String simulatorPassword) {

    java.net.URI uri() {
        return java.net.URI.create(url);
    }
}
