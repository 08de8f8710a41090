package io.vendpay.dispense.internal;

import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The dispense_command table. Status PENDING (never acknowledged by the broker) → SENT → DONE
 * (a result arrived). {@code next_due_at} is the one timer column: when the command must be
 * published again or reported unanswered. It lives in the database, so a restart loses no timer.
 */
@Repository
public class DispenseCommands {

    /** Time the publish right after commit has before the timer takes the command over. */
    public static final long FIRST_PUBLISH_LEASE_MS = 5_000;

    private final JdbcClient jdbc;

    DispenseCommands(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Command(String cmdId, String orderNo, String deviceId, String slot, String status, long createdAt,
                          Long lastSentAt, int sendCount, Long nextDueAt, Long unknownAt) {
    }

    public static String cmdIdOf(String orderNo) {
        return "D" + orderNo;
    }

    /** {@code false} when the order already has its command (invariant 2: at most one per order). */
    public boolean create(String cmdId, String orderNo, String deviceId, String slot, long now) {
        try {
            jdbc.sql("""
                    INSERT INTO dispense_command (cmd_id, order_no, device_id, slot, status, created_at, send_count, next_due_at)
                    VALUES (?, ?, ?, ?, 'PENDING', ?, 0, ?)""")
                    .params(cmdId, orderNo, deviceId, slot, now, now + FIRST_PUBLISH_LEASE_MS).update();
            return true;
        } catch (DuplicateKeyException exists) {
            return false;
        }
    }

    Optional<Command> find(String cmdId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dispense_command WHERE cmd_id = ?").param(cmdId)
                .query(DispenseCommands::map).optional();
    }

    List<Command> due(long now, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dispense_command WHERE status IN ('PENDING', 'SENT') AND next_due_at <= ? ORDER BY next_due_at LIMIT ?")
                .params(now, limit).query(DispenseCommands::map).list();
    }

    /** Moves the timer of a due command forward if nobody else did: the claim for this node. */
    boolean claim(Command c, long newDueAt) {
        return jdbc.sql("UPDATE dispense_command SET next_due_at = ? WHERE cmd_id = ? AND next_due_at = ? AND status IN ('PENDING', 'SENT')")
                .params(newDueAt, c.cmdId(), c.nextDueAt()).update() == 1;
    }

    /** The broker took the command. {@code true} the first time (PENDING → SENT). */
    boolean markSent(String cmdId, long now, Long nextDueAt) {
        int first = jdbc.sql("""
                UPDATE dispense_command SET status = 'SENT', send_count = send_count + 1, first_sent_at = ?, last_sent_at = ?,
                    next_due_at = ?
                WHERE cmd_id = ? AND status = 'PENDING'""")
                .params(now, now, nextDueAt, cmdId).update();
        if (first == 1) {
            return true;
        }
        jdbc.sql("""
                UPDATE dispense_command SET send_count = send_count + 1, last_sent_at = ?, next_due_at = ?
                WHERE cmd_id = ? AND status = 'SENT'""")
                .params(now, nextDueAt, cmdId).update();
        return false;
    }

    void reschedule(String cmdId, Long nextDueAt) {
        jdbc.sql("UPDATE dispense_command SET next_due_at = ? WHERE cmd_id = ? AND status IN ('PENDING', 'SENT')")
                .params(nextDueAt, cmdId).update();
    }

    boolean markUnknown(String cmdId, long now) {
        return jdbc.sql("UPDATE dispense_command SET unknown_at = ? WHERE cmd_id = ? AND unknown_at IS NULL AND status <> 'DONE'")
                .params(now, cmdId).update() == 1;
    }

    /** The first result for a command wins; repeats (the machine answering a re-send) change nothing. */
    boolean recordResult(String cmdId, boolean ok, String reason, long now) {
        return jdbc.sql("""
                UPDATE dispense_command SET status = 'DONE', result_ok = ?, result_reason = ?, result_at = ?, next_due_at = NULL
                WHERE cmd_id = ? AND status <> 'DONE'""")
                .params(ok, reason, now, cmdId).update() == 1;
    }

    private static final String COLUMNS =
            "cmd_id, order_no, device_id, slot, status, created_at, last_sent_at, send_count, next_due_at, unknown_at";

    private static Command map(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Command(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getLong(6), rs.getObject(7, Long.class), rs.getInt(8), rs.getObject(9, Long.class),
                rs.getObject(10, Long.class));
    }
}
