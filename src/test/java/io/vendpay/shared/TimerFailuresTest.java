package io.vendpay.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** A tick that found the pool exhausted is counted as store_busy; anything else as a defect. */
class TimerFailuresTest {

    @Test
    void aBusyStoreIsCountedApartFromDefects() {
        var meters = new SimpleMeterRegistry();
        var failures = new TimerFailures(meters);
        var busy = new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("Connection is not available, request timed out after 3000ms"));
        failures.handleError(busy);
        failures.handleError(busy);
        failures.handleError(new IllegalStateException("a bug"));
        assertThat(meters.get("vendpay_timer_failures").tag("kind", "store_busy").counter().count()).isEqualTo(2);
        assertThat(meters.get("vendpay_timer_failures").tag("kind", "defect").counter().count()).isEqualTo(1);
    }

    /** Issue 8: with the store unreachable every tick fails; that is counted apart, and is no defect. */
    @Test
    void anUnreachableStoreIsCountedAsStoreUnavailable() {
        var meters = new SimpleMeterRegistry();
        var failures = new TimerFailures(meters);
        var unreachable = new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("Connection is not available, request timed out after 2000ms", "08000",
                        new SQLNonTransientConnectionException("Socket fail to connect to 127.0.0.1:3306", "08000")));
        failures.handleError(unreachable);
        failures.handleError(unreachable);
        assertThat(meters.get("vendpay_timer_failures").tag("kind", "store_unavailable").counter().count()).isEqualTo(2);
        assertThat(meters.get("vendpay_store_unavailable").tag("place", "timers").counter().count()).isEqualTo(2);
        assertThat(meters.find("vendpay_timer_failures").tag("kind", "defect").counter()).isNull();
    }
}
