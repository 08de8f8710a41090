package io.vendpay.bench.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MariaDB's own counters ({@code SHOW GLOBAL STATUS}) around a run: what the store was asked to do
 * per completed order, counted by the store, not by vendpay. The counters are server-wide: run the
 * bench with nothing else using that MariaDB (the bench's own reads, a few per second, are counted
 * too and are negligible against thousands of orders).
 *
 * <p>Round trips are the client commands that wait for an answer: {@code Questions} (text queries and
 * prepared-statement executions, {@code SET}, {@code COMMIT} included) plus the server-side
 * {@code COM_STMT_PREPARE}s and the pings of connection checks, which {@code Questions} leaves out.
 * Commits are InnoDB's read-write commits ({@code trx_rw_commits} of {@code INNODB_METRICS}: a
 * transaction that wrote, each one a redo-log flush to wait for); {@code Handler_commit} is in the
 * breakdown but counts every autocommit SELECT as well. {@code Innodb_log_writes} is what those commits
 * cost the disk: group commit shares one write among commits that arrive together.
 */
final class StoreCounters {

    static final StoreCounters NONE = new StoreCounters(null, null, null);

    private static final List<String> COUNTED = List.of("Questions", "Com_stmt_prepare", "Com_admin_commands", "Com_select",
            "Com_insert", "Com_insert_select", "Com_update", "Com_delete", "Com_replace", "Com_set_option", "Com_begin", "Com_commit",
            "Com_rollback", "Com_stmt_execute", "Handler_commit", "Handler_rollback", "Innodb_log_writes", "Innodb_data_fsyncs",
            "trx_rw_commits", "trx_ro_commits", "trx_nl_ro_commits");

    /** InnoDB's own transaction counters (information_schema.INNODB_METRICS), switched on by the bench when they are off. */
    private static final List<String> METRICS = List.of("trx_rw_commits", "trx_ro_commits", "trx_nl_ro_commits");

    private final String url;
    private final String user;
    private final String password;

    StoreCounters(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    boolean available() {
        return url != null;
    }

    /** The counters now; empty when the store is not MariaDB or cannot be read. */
    Map<String, Long> read() {
        var m = new LinkedHashMap<String, Long>();
        if (url == null) {
            return m;
        }
        try (Connection c = DriverManager.getConnection(url, user, password); var st = c.createStatement()) {
            var all = new java.util.HashMap<String, Long>();
            try (var rs = st.executeQuery("SHOW GLOBAL STATUS")) {
                while (rs.next()) {
                    try {
                        all.put(rs.getString(1), Long.parseLong(rs.getString(2)));
                    } catch (NumberFormatException notACount) {
                        // a status that is not a counter (a version, a state)
                    }
                }
            }
            try {
                for (String metric : METRICS) {
                    st.execute("SET GLOBAL innodb_monitor_enable = '" + metric + "'");   // no-op when on
                }
                try (var rs = st.executeQuery("SELECT name, count FROM information_schema.INNODB_METRICS WHERE name IN ("
                        + String.join(", ", METRICS.stream().map(n -> "'" + n + "'").toList()) + ")")) {
                    while (rs.next()) {
                        all.put(rs.getString(1), rs.getLong(2));
                    }
                }
            } catch (SQLException noPrivilege) {
                METRICS.forEach(all::remove);   // reported as absent rather than as zero
            }
            for (String k : COUNTED) {
                if (all.containsKey(k)) {
                    m.put(k, all.get(k));
                }
            }
        } catch (SQLException e) {
            System.err.println("bench: could not read the store's counters: " + e.getMessage());
        }
        return m;
    }

    /** Per completed order, from two readings: the fields the bench JSON reports. */
    static Map<String, Object> perOrder(Map<String, Long> before, Map<String, Long> after, long completed) {
        var r = new LinkedHashMap<String, Object>();
        if (before.isEmpty() || after.isEmpty() || completed <= 0) {
            return r;
        }
        var delta = new LinkedHashMap<String, Long>();
        for (String k : COUNTED) {
            if (before.containsKey(k) && after.containsKey(k)) {
                delta.put(k, after.get(k) - before.get(k));
            }
        }
        long roundTrips = delta.getOrDefault("Questions", 0L) + delta.getOrDefault("Com_stmt_prepare", 0L)
                + delta.getOrDefault("Com_admin_commands", 0L);
        r.put("db_round_trips_per_order", BenchRun.round((double) roundTrips / completed));
        if (delta.containsKey("trx_rw_commits")) {
            r.put("db_commits_per_order", BenchRun.round((double) delta.get("trx_rw_commits") / completed));
        }
        r.put("db_log_writes_per_order", BenchRun.round((double) delta.getOrDefault("Innodb_log_writes", 0L) / completed));
        var breakdown = new LinkedHashMap<String, Object>();
        delta.forEach((k, v) -> breakdown.put(k, BenchRun.round((double) v / completed)));
        r.put("db_counters_per_order", breakdown);
        return r;
    }
}
