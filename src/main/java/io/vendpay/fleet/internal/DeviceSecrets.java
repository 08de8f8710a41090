package io.vendpay.fleet.internal;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Device secrets, read through a short-lived cache: every signed request and every MQTT connect
 * needs one, and a fleet's worth of them fits in memory. Entries live {@value #TTL_MS} ms, so a
 * secret rotated on another node is honoured here within that time.
 */
@Component
public class DeviceSecrets {

    static final long TTL_MS = 10_000;
    private static final long ABSENT_TTL_MS = 2_000;

    private final DeviceRepository devices;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    DeviceSecrets(DeviceRepository devices) {
        this.devices = devices;
    }

    public Optional<byte[]> key(String deviceId) {
        return secret(deviceId).map(s -> java.util.Base64.getDecoder().decode(s));
    }

    public Optional<String> secret(String deviceId) {
        long now = System.currentTimeMillis();
        Entry e = cache.get(deviceId);
        if (e == null || e.expiresAt < now) {
            String secret = devices.secretOf(deviceId).orElse(null);
            e = new Entry(secret, now + (secret == null ? ABSENT_TTL_MS : TTL_MS));
            if (cache.size() > 200_000) {
                cache.clear();
            }
            cache.put(deviceId, e);
        }
        return Optional.ofNullable(e.secret);
    }

    void forget(String deviceId) {
        cache.remove(deviceId);
    }

    private record Entry(String secret, long expiresAt) {
    }
}
