package io.vendpay.console.internal;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.stereotype.Component;

/**
 * How many single-row insert commits per second the store takes through this platform's own
 * pool, with as many writers as the pool has connections. Measured into a scratch table that is
 * created and dropped for the purpose; it is the yardstick that makes throughput comparable
 * across machines and stores (orders per second divided by commits per second).
 */
@Component
class StoreCeiling {

    private final DataSource dataSource;

    StoreCeiling(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Map<String, Object> measure(int seconds) throws Exception {
        int writers = dataSource instanceof HikariDataSource h ? h.getMaximumPoolSize() : 10;
        String table = "vp_ceiling_" + Long.toHexString(System.nanoTime());
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL AUTO_INCREMENT, at BIGINT NOT NULL, PRIMARY KEY (id))");
        }
        var stop = new AtomicBoolean();
        var pool = Executors.newFixedThreadPool(writers, io.vendpay.shared.BoundedWorkers.daemonThreads("store-ceiling"));
        try {
            var futures = new ArrayList<Future<Long>>();
            for (int i = 0; i < writers; i++) {
                futures.add(pool.submit((Callable<Long>) () -> {
                    long n = 0;
                    try (var c = dataSource.getConnection(); var ps = c.prepareStatement("INSERT INTO " + table + " (at) VALUES (?)")) {
                        c.setAutoCommit(true);
                        while (!stop.get()) {
                            ps.setLong(1, System.nanoTime());
                            ps.executeUpdate();
                            n++;
                        }
                    }
                    return n;
                }));
            }
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            long total = 0;
            for (var f : futures) {
                total += f.get();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return Map.of("writers", writers, "seconds", elapsed, "commits", total, "commits_per_s", Math.round(total / elapsed));
        } finally {
            pool.shutdownNow();
            try (var c = dataSource.getConnection(); var s = c.createStatement()) {
                s.execute("DROP TABLE " + table);
            }
        }
    }
}
