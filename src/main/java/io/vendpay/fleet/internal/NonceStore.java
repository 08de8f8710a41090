package io.vendpay.fleet.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.shared.BatchWriter;
import jakarta.annotation.PreDestroy;
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
 * <p>
 * Every device request writes one row, so the requests in flight at once share the write: one writer
 * inserts what has queued as a single multi-row INSERT, one statement (in auto-commit) for the batch
 * (a request waits for that commit, as it waited for its own). A batch holding a replay fails on the
 * key as a whole (changing nothing) and is inserted row by row, which tells each request its own answer.
 */
@Component
class NonceStore {

    static final long WINDOW_MS = 10 * 60_000;
    private static final Logger log = LoggerFactory.getLogger(NonceStore.class);

    private final JdbcClient jdbc;
    private final BatchWriter<Use> writer;

    NonceStore(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        // no transaction: the multi-row insert is one statement that commits itself (a replay's row-by-row
        // fallback, rare, commits row by row, which is all a nonce needs)
        this.writer = new BatchWriter<>("device-nonce", 2_000, 100, null,
                Comparator.comparing(Use::deviceId).thenComparing(Use::nonce), this::insert, meters);
    }

    /** One presented nonce; {@code first} is the answer, set by the writer before the caller is released. */
    private static final class Use {
        final String deviceId;
        final String nonce;
        final long at;
        volatile boolean first;

        Use(String deviceId, String nonce, long at) {
            this.deviceId = deviceId;
            this.nonce = nonce;
            this.at = at;
        }

        String deviceId() {
            return deviceId;
        }

        String nonce() {
            return nonce;
        }
    }

    /** {@code true} the first time this device presents this nonce; throws when it could not be recorded. */
    boolean firstUse(String deviceId, String nonce, long now) {
        var use = new Use(deviceId, nonce, now);
        writer.write(use, java.time.Duration.ofSeconds(10), "nonce");
        return use.first;
    }

    private void insert(List<Use> batch) {
        if (batch.size() > 1) {
            try {
                var sql = new StringBuilder("INSERT INTO device_nonce (device_id, nonce, seen_at) VALUES ");
                var args = new ArrayList<Object>(batch.size() * 3);
                for (int i = 0; i < batch.size(); i++) {
                    sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
                    Use u = batch.get(i);
                    args.add(u.deviceId);
                    args.add(u.nonce);
                    args.add(u.at);
                }
                jdbc.sql(sql.toString()).params(args).update();
                batch.forEach(u -> u.first = true);
                return;
            } catch (DuplicateKeyException someReplayed) {
                // the statement changed nothing; find out which, row by row, below
            }
        }
        for (Use u : batch) {
            try {
                jdbc.sql("INSERT INTO device_nonce (device_id, nonce, seen_at) VALUES (?, ?, ?)")
                        .params(u.deviceId, u.nonce, u.at).update();
                u.first = true;
            } catch (DuplicateKeyException replay) {
                u.first = false;
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        writer.stop(5_000);
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
