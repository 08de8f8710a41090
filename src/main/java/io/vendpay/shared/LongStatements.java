package io.vendpay.shared;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Statements that run for minutes on purpose (landing and diffing a day's bill, an audit of every order)
 * lift the server's socket timeout ({@link StoreTimeouts}) on their own connection, which is all that
 * timeout is for them: a bound on the hot path's waits, not on a reconciliation's. HikariCP puts the
 * pool's timeout back when the connection is returned, so nothing else ever runs without it.
 */
public final class LongStatements {

    /** The driver runs the change on the calling thread; nothing is waited for. */
    private static final Executor DIRECT = Runnable::run;

    private LongStatements() {
    }

    /** Lifts the socket timeout on {@code c} until it is closed (returned to the pool). */
    public static void allow(Connection c) throws SQLException {
        try {
            if (c.getNetworkTimeout() > 0) {
                c.setNetworkTimeout(DIRECT, 0);
            }
        } catch (SQLFeatureNotSupportedException noSocket) {
            // H2 in this process: there is no socket to time out
        }
    }

    /** Runs {@code work}'s queries in one read-only transaction on a connection without the socket timeout. */
    public static <T> T readOnly(PlatformTransactionManager tx, DataSource dataSource, Supplier<T> work) {
        var template = new TransactionTemplate(tx);
        template.setReadOnly(true);
        return template.execute(status -> {
            allowInTransaction(dataSource);
            return work.get();
        });
    }

    /** As {@link #allow(Connection)} on the connection of the transaction running on this thread (JdbcClient uses it). */
    public static void allowInTransaction(DataSource dataSource) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            allow(c);
        } catch (SQLException e) {
            throw new org.springframework.dao.DataAccessResourceFailureException("could not lift the socket timeout", e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }
}
