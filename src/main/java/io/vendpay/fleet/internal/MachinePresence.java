package io.vendpay.fleet.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * When each machine was last heard from. Every MQTT message counts; writing each one would cost a
 * commit per heartbeat, so sightings collect in memory and are flushed as one batched update every
 * few seconds. Device ids are flushed in sorted order so two nodes never deadlock on the rows.
 */
@Component
class MachinePresence {

    private final DeviceRepository devices;
    private final long offlineAfterMs;
    private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();

    MachinePresence(DeviceRepository devices, @Value("${vendpay.fleet.offline-after:90s}") java.time.Duration offlineAfter) {
        this.devices = devices;
        this.offlineAfterMs = offlineAfter.toMillis();
    }

    void seen(String deviceId, long at) {
        pending.merge(deviceId, at, Math::max);
        lastSeen.merge(deviceId, at, Math::max);
    }

    /** The newest sighting known to this node or stored by any node. */
    Long lastSeen(String deviceId, Long stored) {
        Long mine = lastSeen.get(deviceId);
        if (mine == null) {
            return stored;
        }
        return stored == null ? mine : Math.max(mine, stored);
    }

    boolean online(Long lastSeenAt, long now) {
        return lastSeenAt != null && now - lastSeenAt <= offlineAfterMs;
    }

    @Scheduled(fixedDelayString = "${vendpay.fleet.presence-flush:5s}")
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, Long> batch = new TreeMap<>();
        for (String id : pending.keySet()) {
            Long at = pending.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        devices.touch(batch);
    }
}
