package io.vendpay.fleet.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Replay protection for device requests. The store's primary key decides: a nonce is accepted
 * once per device, on any node. Rows older than the replay window are purged in small batches;
 * a request that old is already refused by its timestamp.
 */
@Component
class NonceStore {

    static final long WINDOW_MS = 10 * 60_000;
    private static final Logger log = LoggerFactory.getLogger(NonceStore.class);

    private final JdbcClient jdbc;

    NonceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code true} the first time this device presents this nonce. */
    boolean firstUse(String deviceId, String nonce, long now) {
        try {
            jdbc.sql("INSERT INTO device_nonce (device_id, nonce, seen_at) VALUES (?, ?, ?)")
                    .params(deviceId, nonce, now).update();
            return true;
        } catch (DuplicateKeyException replay) {
            return false;
        }
    }

    @Scheduled(fixedDelayString = "60s", initialDelayString = "60s")
    void purge() {
        long before = System.currentTimeMillis() - WINDOW_MS;
        int total = 0;
        int n;
        do {
            n = jdbc.sql("DELETE FROM device_nonce WHERE seen_at < ? LIMIT 5000").param(before).update();
            total += n;
        } while (n == 5000);
        if (total > 0) {
            log.debug("event=nonce.purged rows={}", total);
        }
    }
}
