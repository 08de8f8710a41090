package io.vendpay.fleet.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class DeviceRepository {

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    DeviceRepository(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    Optional<DeviceRow> find(String deviceId) {
        return jdbc.sql("SELECT device_id, name, location, secret, created_at, updated_at, last_seen_at FROM device WHERE device_id = ?")
                .param(deviceId)
                .query((rs, i) -> new DeviceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6), (Long) rs.getObject(7, Long.class)))
                .optional();
    }

    /** Every device's secret, streamed (a fleet's worth, once at start). */
    void allSecrets(java.util.function.BiConsumer<String, String> each) {
        jdbc.sql("SELECT device_id, secret FROM device").query((org.springframework.jdbc.core.RowCallbackHandler) rs ->
                each.accept(rs.getString(1), rs.getString(2)));
    }

    Optional<String> secretOf(String deviceId) {
        return jdbc.sql("SELECT secret FROM device WHERE device_id = ?").param(deviceId).query(String.class).optional();
    }

    boolean insert(String deviceId, String name, String location, String secret, long now) {
        return jdbc.sql("""
                INSERT INTO device (device_id, name, location, secret, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)""")
                .params(deviceId, name, location, secret, now, now).update() == 1;
    }

    void update(String deviceId, String name, String location, String secretOrNull, long now) {
        if (secretOrNull == null) {
            jdbc.sql("UPDATE device SET name = ?, location = ?, updated_at = ? WHERE device_id = ?")
                    .params(name, location, now, deviceId).update();
        } else {
            jdbc.sql("UPDATE device SET name = ?, location = ?, secret = ?, updated_at = ? WHERE device_id = ?")
                    .params(name, location, secretOrNull, now, deviceId).update();
        }
    }

    /** One batched statement per flush, not one per heartbeat (see {@link MachinePresence}). */
    void touch(Map<String, Long> lastSeen) {
        if (lastSeen.isEmpty()) {
            return;
        }
        List<Object[]> args = lastSeen.entrySet().stream()
                .map(e -> new Object[]{e.getValue(), e.getKey(), e.getValue()}).toList();
        batch.batchUpdate("UPDATE device SET last_seen_at = ? WHERE device_id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)", args);
    }

    record DeviceRow(String deviceId, String name, String location, String secret, long createdAt, long updatedAt,
                     Long lastSeenAt) {
    }
}
