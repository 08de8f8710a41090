package io.vendpay.dispense.internal;

import java.time.Duration;
import java.util.List;

import io.vendpay.shared.Retention;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Dispense commands are kept {@code vendpay.retention.dispense-commands} (400 days, as the order
 * timelines), oldest first through their {@code created_at} index. Only answered ones go; one never
 * answered stays, as its order's DISPENSE_UNKNOWN is an operator's case.
 */
@Component
class CommandRetention {

    private final JdbcClient jdbc;
    private final Duration keep;

    CommandRetention(JdbcClient jdbc, @Value("${vendpay.retention.dispense-commands:400d}") Duration keep) {
        this.jdbc = jdbc;
        this.keep = keep;
    }

    @Scheduled(fixedDelayString = "${vendpay.retention.every:10m}", initialDelayString = "${vendpay.retention.first-after:5m}")
    void purge() {
        Retention.purge("dispense_command", keep,
                after -> {
                    // (created_at, cmd_id) is the page order: created_at alone is not unique
                    var a = (Object[]) after;
                    return jdbc.sql("""
                                    SELECT cmd_id, created_at, status = 'DONE' FROM dispense_command
                                    WHERE created_at > ? OR (created_at = ? AND cmd_id > ?)
                                    ORDER BY created_at, cmd_id LIMIT ?""")
                            .params(a == null ? -1L : a[1], a == null ? -1L : a[1], a == null ? "" : a[0], Retention.BATCH)
                            .query((rs, i) -> new Retention.Row(new Object[] {rs.getString(1), rs.getLong(2)}, rs.getLong(2),
                                    rs.getBoolean(3)))
                            .list();
                },
                keys -> jdbc.sql("DELETE FROM dispense_command WHERE cmd_id IN (" + Retention.marks(keys.size()) + ")")
                        .params(keys.stream().map(k -> ((Object[]) k)[0]).toList()).update());
    }
}
