package io.vendpay.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/** What the platform calls an unreachable store (issue 8), what a busy one, and what neither. */
class StoreFailuresTest {

    /** What HikariCP throws when no connection came in time; {@code lastFailure} is the last failed attempt to make one. */
    private static SQLTransientConnectionException poolTimeout(Throwable lastFailure) {
        return new SQLTransientConnectionException("vendpay - Connection is not available, request timed out after 2000ms",
                null, lastFailure);
    }

    @Test
    void aStoreThatRefusesOrStopsAnsweringIsUnavailable() {
        var refused = new SQLNonTransientConnectionException("Socket fail to connect", "08000", new java.net.ConnectException("refused"));
        var cutMidStatement = new SQLNonTransientConnectionException("(conn=7) Socket error", "08000",
                new SocketTimeoutException("Read timed out"));
        assertThat(StoreFailures.isUnavailable(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                poolTimeout(refused)))).isTrue();
        assertThat(StoreFailures.isUnavailable(new DataAccessResourceFailureException("PreparedStatementCallback", cutMidStatement)))
                .isTrue();
        assertThat(StoreFailures.isUnavailable(new CannotCreateTransactionException("Could not open JDBC Connection for transaction",
                poolTimeout(refused)))).isTrue();
        assertThat(StoreFailures.isBusy(cutMidStatement)).isFalse();
    }

    @Test
    void aPoolExhaustedByLoadOrALostLockWaitIsBusyNotUnavailable() {
        var exhausted = new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", poolTimeout(null));
        assertThat(StoreFailures.isUnavailable(exhausted)).isFalse();
        assertThat(StoreFailures.isBusy(exhausted)).isTrue();
        var lockWait = new CannotAcquireLockException("Lock wait timeout exceeded");
        assertThat(StoreFailures.isUnavailable(lockWait)).isFalse();
        assertThat(StoreFailures.isBusy(lockWait)).isTrue();
    }

    @Test
    void aClientThatHungUpIsNoStoreFailure() {
        var brokenPipe = new IOException("Broken pipe", new SocketException("Broken pipe"));
        assertThat(StoreFailures.isUnavailable(brokenPipe)).isFalse();
        assertThat(StoreFailures.isBusy(brokenPipe)).isFalse();
        assertThat(StoreFailures.isUnavailable(new IllegalStateException("a bug"))).isFalse();
    }

    @Test
    void everyFailureIsCountedPerPlace() {
        var meters = new SimpleMeterRegistry();
        var failures = new StoreFailures(meters);
        var down = new DataAccessResourceFailureException("down", new SQLNonTransientConnectionException("Socket error", "08000"));
        for (int i = 0; i < 5; i++) {
            failures.report("device_api", down);
        }
        failures.report("timers", down);
        assertThat(meters.get("vendpay_store_unavailable").tag("place", "device_api").counter().count()).isEqualTo(5);
        assertThat(meters.get("vendpay_store_unavailable").tag("place", "timers").counter().count()).isEqualTo(1);
    }
}
