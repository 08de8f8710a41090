package io.vendpay.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vendpay.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The single writer the hot path's shared writes go through (nonces, QR codes, PUBACKs, results), against
 * MariaDB: what callers hand it at once shares commits, each caller learns of its own commit, one item that
 * cannot be written fails alone, a store that is away fails a batch at once, and a full queue refuses at once.
 */
class BatchWriterTest {

    private static final String DB = "vp_batch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static HikariDataSource store;
    private static JdbcClient jdbc;
    private static TransactionTemplate tx;

    @BeforeAll
    static void database() {
        TestStores.exec("CREATE DATABASE " + DB);
        var config = new HikariConfig();
        config.setJdbcUrl("jdbc:mariadb://127.0.0.1:3306/" + DB);
        config.setUsername("root");
        config.setPassword("");
        config.setMaximumPoolSize(4);
        store = new HikariDataSource(config);
        jdbc = JdbcClient.create(store);
        tx = new TransactionTemplate(new DataSourceTransactionManager(store));
        jdbc.sql("CREATE TABLE item (k VARCHAR(64) PRIMARY KEY)").update();
    }

    @AfterAll
    static void drop() {
        store.close();
        TestStores.exec("DROP DATABASE IF EXISTS " + DB);
    }

    private static void insertAll(List<String> keys) {
        for (String k : keys) {
            jdbc.sql("INSERT INTO item (k) VALUES (?)").param(k).update();
        }
    }

    private static int stored(String prefix) {
        return jdbc.sql("SELECT COUNT(*) FROM item WHERE k LIKE ?").param(prefix + "%").query(Integer.class).single();
    }

    @Test
    void concurrentCallersShareCommitsAndEachIsAnsweredAfterItsOwn() throws Exception {
        var meters = new SimpleMeterRegistry();
        var writer = new BatchWriter<String>("test", 1_000, 100, tx, Comparator.naturalOrder(), BatchWriterTest::insertAll, meters);
        var futures = new ArrayList<CompletableFuture<Void>>();
        var start = new CountDownLatch(1);
        var callers = new ArrayList<Thread>();
        var seenCommitted = new AtomicInteger();
        for (int i = 0; i < 300; i++) {
            String key = "c-" + i;
            var f = new CompletableFuture<Void>();
            futures.add(f);
            var t = new Thread(() -> {
                try {
                    start.await();
                    writer.submit(key).get(30, TimeUnit.SECONDS);
                    // answered only after the commit: another connection sees the row
                    if (jdbc.sql("SELECT COUNT(*) FROM item WHERE k = ?").param(key).query(Integer.class).single() == 1) {
                        seenCommitted.incrementAndGet();
                    }
                    f.complete(null);
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            });
            t.start();
            callers.add(t);
        }
        start.countDown();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(stored("c-")).isEqualTo(300);
        assertThat(seenCommitted.get()).isEqualTo(300);
        var batches = meters.get("vendpay_batch_writer_batch_size").summary();
        assertThat(batches.totalAmount()).isEqualTo(300);
        assertThat(batches.count()).as("transactions for 300 concurrent items").isLessThan(300);
        assertThat(batches.max()).isGreaterThan(1);
        writer.stop(5_000);
    }

    @Test
    void anItemThatCannotBeWrittenFailsAloneAndTheOthersCommit() throws Exception {
        jdbc.sql("INSERT INTO item (k) VALUES ('d-taken')").update();
        var gate = new CountDownLatch(1);
        var writer = new BatchWriter<String>("test", 1_000, 100, tx, Comparator.naturalOrder(), keys -> {
            try {
                gate.await(10, TimeUnit.SECONDS);   // the first batch waits, so the rest queue up into one batch
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            insertAll(keys);
        }, new SimpleMeterRegistry());
        var first = writer.submit("d-0");
        var queued = new ArrayList<CompletableFuture<Void>>();
        for (String k : List.of("d-1", "d-2", "d-taken", "d-3")) {
            queued.add(writer.submit(k));
        }
        gate.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < queued.size(); i++) {
            if (i == 2) {
                assertThatThrownBy(() -> queued.get(2).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(DuplicateKeyException.class);
            } else {
                queued.get(i).get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(stored("d-")).isEqualTo(5);   // d-0..d-3 and the row that was there
        writer.stop(5_000);
    }

    @Test
    void aStoreThatIsAwayFailsTheBatchAtOnceAndAFullQueueRefusesAtOnce() throws Exception {
        var config = new HikariConfig();
        config.setJdbcUrl("jdbc:mariadb://127.0.0.1:" + TestStores.freePort() + "/nothing?connectTimeout=500");
        config.setUsername("root");
        config.setConnectionTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        try (var away = new HikariDataSource(config)) {
            var transactions = new AtomicInteger();
            var awayTx = new TransactionTemplate(new DataSourceTransactionManager(away)) {
                @Override
                public <T> T execute(org.springframework.transaction.support.TransactionCallback<T> action) {
                    transactions.incrementAndGet();
                    return super.execute(action);
                }
            };
            var gate = new CountDownLatch(1);
            var attempts = new AtomicInteger();
            var writer = new BatchWriter<String>("test", 3, 100, awayTx, Comparator.naturalOrder(), keys -> {
                attempts.incrementAndGet();
            }, new SimpleMeterRegistry());
            var writing = new CountDownLatch(1);
            var blocker = new BatchWriter<String>("blocked", 2, 100, tx, Comparator.naturalOrder(), keys -> {
                writing.countDown();
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, new SimpleMeterRegistry());
            var futures = List.of(writer.submit("a"), writer.submit("b"), writer.submit("c"));
            for (var f : futures) {
                assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            }
            // no connection, so no call of the write; and no retry of each item alone, each waiting out its own timeout
            assertThat(attempts.get()).isZero();
            assertThat(transactions.get()).as("transactions tried for 3 items while the store is away").isLessThanOrEqualTo(2);

            blocker.submit("x");                 // taken by the writer, which waits at the gate
            assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();   // inside its write: later items queue
            blocker.submit("y");
            blocker.submit("z");                 // the queue (2) is full now
            assertThatThrownBy(() -> blocker.submit("w").get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(CannotAcquireLockException.class);
            gate.countDown();
            writer.stop(5_000);
            blocker.stop(5_000);
        }
    }
}
