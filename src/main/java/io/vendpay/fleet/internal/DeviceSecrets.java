package io.vendpay.fleet.internal;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Device secrets, kept in memory: every signed request and every MQTT connect needs one, and a
 * fleet's worth fits (100 000 machines are a few MB). All are read once at start; a known device's
 * secret is read again after {@value #TTL_MS} ms, so a secret rotated on another node is honoured
 * here within that time.
 * <p>
 * An id this node does not know costs a lookup in the store, since it may be a machine provisioned
 * on another node a moment ago. Anyone can send well-formed ids before any signature is checked, so
 * those lookups are bounded: at most {@code vendpay.fleet.unknown-device-lookups-per-second} reach
 * the store; beyond, the id is answered as unknown without one (a new machine refused in such a
 * flood is accepted on its retry). Ids found absent are not remembered: random ids would only fill
 * the memory.
 */
@Component
public class DeviceSecrets {

    static final long TTL_MS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(DeviceSecrets.class);

    private final DeviceRepository devices;
    private final ConcurrentHashMap<String, Entry> known = new ConcurrentHashMap<>();
    private final int lookupsPerSecond;
    private final Counter refused;
    private final Counter lookedUp;
    private volatile boolean loaded;
    private long windowStart;
    private int lookupsInWindow;

    DeviceSecrets(DeviceRepository devices, MeterRegistry meters,
                  @Value("${vendpay.fleet.unknown-device-lookups-per-second:50}") int lookupsPerSecond) {
        this.devices = devices;
        this.lookupsPerSecond = lookupsPerSecond;
        this.refused = Counter.builder("vendpay_unknown_device_ids").tag("result", "refused_without_lookup")
                .description("Device ids this node did not know: looked up in the store, or refused over the lookup budget")
                .register(meters);
        this.lookedUp = Counter.builder("vendpay_unknown_device_ids").tag("result", "looked_up").register(meters);
    }

    /** Reads every device's secret once; until it has, every id is looked up (the node starts as before). */
    @EventListener(ApplicationReadyEvent.class)
    void load() {
        try {
            long now = System.currentTimeMillis();
            devices.allSecrets((id, secret) -> known.put(id, new Entry(secret, now + TTL_MS)));
            loaded = true;
            log.info("event=device_secrets.loaded devices={}", known.size());
        } catch (RuntimeException e) {
            log.warn("event=device_secrets.not_loaded error=\"{}\" (every device id is looked up in the store until it loads)",
                    e.toString());
        }
    }

    public Optional<byte[]> key(String deviceId) {
        return secret(deviceId).map(s -> java.util.Base64.getDecoder().decode(s));
    }

    public Optional<String> secret(String deviceId) {
        long now = System.currentTimeMillis();
        Entry e = known.get(deviceId);
        if (e != null && e.expiresAt >= now) {
            return Optional.of(e.secret);
        }
        if (e == null && loaded && !lookupAllowed(now)) {
            refused.increment();
            return Optional.empty();
        }
        if (e == null) {
            lookedUp.increment();
        }
        String secret = devices.secretOf(deviceId).orElse(null);
        if (secret == null) {
            known.remove(deviceId);
            return Optional.empty();
        }
        known.put(deviceId, new Entry(secret, now + TTL_MS));
        return Optional.of(secret);
    }

    private synchronized boolean lookupAllowed(long now) {
        if (now - windowStart >= 1000) {
            windowStart = now;
            lookupsInWindow = 0;
        }
        return ++lookupsInWindow <= lookupsPerSecond;
    }

    /** A device was provisioned, or its secret rotated, here (committed): its secret from now on. */
    void provisioned(String deviceId, String secret) {
        known.put(deviceId, new Entry(secret, System.currentTimeMillis() + TTL_MS));
    }

    private record Entry(String secret, long expiresAt) {
    }
}
