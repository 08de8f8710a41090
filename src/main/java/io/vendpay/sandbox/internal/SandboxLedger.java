package io.vendpay.sandbox.internal;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The channels' own books, as the sandbox keeps them: every trade and refund it accepted, in an
 * H2 database of its own under {@code <data-dir>/sandbox}. A real channel does not forget its
 * trades when the merchant restarts, so neither does the sandbox; the daily bills are cut from
 * here. Nothing of vendpay's own store is touched.
 */
final class SandboxLedger implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final JdbcClient jdbc;

    SandboxLedger(Path dir) {
        var config = new HikariConfig();
        // WRITE_DELAY=0: a trade the sandbox confirmed to vendpay must survive a kill -9 of the process, as a
        // real channel's would; H2's default keeps the last 500 ms of commits in memory only.
        config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("channel") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(8);
        config.setPoolName("sandbox");
        config.setRegisterMbeans(false);
        this.dataSource = new HikariDataSource(config);
        this.jdbc = JdbcClient.create(dataSource);
        jdbc.sql("""
                CREATE TABLE IF NOT EXISTS sandbox_trade (
                    channel VARCHAR(16) NOT NULL, out_trade_no VARCHAR(64) NOT NULL, code VARCHAR(128) NOT NULL,
                    total_fen BIGINT NOT NULL, description VARCHAR(256), notify_url VARCHAR(512), expires_at BIGINT NOT NULL,
                    created_at BIGINT NOT NULL, state VARCHAR(16) NOT NULL, transaction_id VARCHAR(64), paid_fen BIGINT,
                    paid_at BIGINT, closed_at BIGINT, refunded_fen BIGINT NOT NULL DEFAULT 0,
                    PRIMARY KEY (channel, out_trade_no))""").update();
        jdbc.sql("CREATE UNIQUE INDEX IF NOT EXISTS ux_sandbox_trade_code ON sandbox_trade (code)").update();
        jdbc.sql("CREATE INDEX IF NOT EXISTS ix_sandbox_trade_paid ON sandbox_trade (channel, paid_at)").update();
        jdbc.sql("""
                CREATE TABLE IF NOT EXISTS sandbox_refund (
                    channel VARCHAR(16) NOT NULL, out_refund_no VARCHAR(64) NOT NULL, refund_id VARCHAR(64) NOT NULL,
                    out_trade_no VARCHAR(64) NOT NULL, transaction_id VARCHAR(64) NOT NULL, refund_fen BIGINT NOT NULL,
                    total_fen BIGINT NOT NULL, notify_url VARCHAR(512), outcome VARCHAR(16) NOT NULL, created_at BIGINT NOT NULL,
                    settles_at BIGINT NOT NULL, requests INT NOT NULL DEFAULT 1,
                    PRIMARY KEY (channel, out_refund_no))""").update();
        jdbc.sql("CREATE INDEX IF NOT EXISTS ix_sandbox_refund_created ON sandbox_refund (channel, created_at)").update();
    }

    record Trade(String channel, String outTradeNo, String code, long totalFen, String description, String notifyUrl,
                 long expiresAt, long createdAt, String state, String transactionId, Long paidFen, Long paidAt,
                 Long closedAt, long refundedFen) {
    }

    /**
     * A refund. {@code outcome} is where it ends (SUCCESS, CLOSED or ABNORMAL); it reads PROCESSING
     * until {@code settlesAt}.
     */
    record Refund(String channel, String outRefundNo, String refundId, String outTradeNo, String transactionId,
                  long refundFen, long totalFen, String notifyUrl, String outcome, long createdAt, long settlesAt,
                  int requests) {

        String statusAt(long now) {
            return now >= settlesAt ? outcome : "PROCESSING";
        }
    }

    /** {@code false} when this out_trade_no already exists for the channel. */
    boolean insertTrade(Trade t) {
        try {
            jdbc.sql("""
                    INSERT INTO sandbox_trade (channel, out_trade_no, code, total_fen, description, notify_url, expires_at,
                        created_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'NOTPAY')""")
                    .params(t.channel(), t.outTradeNo(), t.code(), t.totalFen(), t.description(), t.notifyUrl(),
                            t.expiresAt(), t.createdAt()).update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    Optional<Trade> trade(String channel, String outTradeNo) {
        return jdbc.sql("SELECT * FROM sandbox_trade WHERE channel = ? AND out_trade_no = ?").params(channel, outTradeNo)
                .query(SandboxLedger::trade).optional();
    }

    Optional<Trade> tradeByCode(String code) {
        return jdbc.sql("SELECT * FROM sandbox_trade WHERE code = ?").param(code).query(SandboxLedger::trade).optional();
    }

    Optional<Trade> tradeByTransaction(String channel, String transactionId) {
        return jdbc.sql("SELECT * FROM sandbox_trade WHERE channel = ? AND transaction_id = ?").params(channel, transactionId)
                .query(SandboxLedger::trade).optional();
    }

    /**
     * A customer pays {@code t} (its own amount when {@code paidFen} is null): NOTPAY → SUCCESS, once,
     * and only before it expires; otherwise an IllegalStateException that says why, as the channel's
     * cashier would refuse.
     */
    void pay(Trade t, String transactionId, Long paidFen, long paidAt) {
        if (!"NOTPAY".equals(t.state())) {
            throw new IllegalStateException("order " + t.outTradeNo() + " is " + t.state());
        }
        if (paidAt > t.expiresAt()) {
            throw new IllegalStateException("order " + t.outTradeNo() + " expired at the channel");
        }
        boolean paid = jdbc.sql("""
                UPDATE sandbox_trade SET state = 'SUCCESS', transaction_id = ?, paid_fen = ?, paid_at = ?
                WHERE channel = ? AND out_trade_no = ? AND state = 'NOTPAY'""")
                .params(transactionId, paidFen == null ? t.totalFen() : paidFen, paidAt, t.channel(), t.outTradeNo()).update() == 1;
        if (!paid) {
            throw new IllegalStateException("order " + t.outTradeNo() + " is no longer payable");
        }
    }

    /** NOTPAY → CLOSED; answers the state after the attempt. */
    String close(String channel, String outTradeNo, long now) {
        jdbc.sql("UPDATE sandbox_trade SET state = 'CLOSED', closed_at = ? WHERE channel = ? AND out_trade_no = ? AND state = 'NOTPAY'")
                .params(now, channel, outTradeNo).update();
        return trade(channel, outTradeNo).map(Trade::state).orElse(null);
    }

    /** Records a refund, or counts one more request for the same out_refund_no. Returns the refund as stored. */
    Refund refund(Refund r) {
        try {
            jdbc.sql("""
                    INSERT INTO sandbox_refund (channel, out_refund_no, refund_id, out_trade_no, transaction_id, refund_fen,
                        total_fen, notify_url, outcome, created_at, settles_at, requests)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""")
                    .params(r.channel(), r.outRefundNo(), r.refundId(), r.outTradeNo(), r.transactionId(), r.refundFen(),
                            r.totalFen(), r.notifyUrl(), r.outcome(), r.createdAt(), r.settlesAt()).update();
            jdbc.sql("UPDATE sandbox_trade SET refunded_fen = refunded_fen + ? WHERE channel = ? AND out_trade_no = ?")
                    .params(r.refundFen(), r.channel(), r.outTradeNo()).update();
            return r;
        } catch (DuplicateKeyException again) {
            jdbc.sql("UPDATE sandbox_refund SET requests = requests + 1 WHERE channel = ? AND out_refund_no = ?")
                    .params(r.channel(), r.outRefundNo()).update();
            return refundOf(r.channel(), r.outRefundNo()).orElseThrow();
        }
    }

    Optional<Refund> refundOf(String channel, String outRefundNo) {
        return jdbc.sql("SELECT * FROM sandbox_refund WHERE channel = ? AND out_refund_no = ?").params(channel, outRefundNo)
                .query(SandboxLedger::refund).optional();
    }

    List<Refund> refunds(String channel) {
        return jdbc.sql("SELECT * FROM sandbox_refund WHERE channel = ? ORDER BY created_at").param(channel)
                .query(SandboxLedger::refund).list();
    }

    JdbcClient jdbc() {
        return jdbc;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static Trade trade(ResultSet rs, int i) throws SQLException {
        return new Trade(rs.getString("channel"), rs.getString("out_trade_no"), rs.getString("code"), rs.getLong("total_fen"),
                rs.getString("description"), rs.getString("notify_url"), rs.getLong("expires_at"), rs.getLong("created_at"),
                rs.getString("state"), rs.getString("transaction_id"), rs.getObject("paid_fen", Long.class),
                rs.getObject("paid_at", Long.class), rs.getObject("closed_at", Long.class), rs.getLong("refunded_fen"));
    }

    static Refund refund(ResultSet rs, int i) throws SQLException {
        return new Refund(rs.getString("channel"), rs.getString("out_refund_no"), rs.getString("refund_id"),
                rs.getString("out_trade_no"), rs.getString("transaction_id"), rs.getLong("refund_fen"), rs.getLong("total_fen"),
                rs.getString("notify_url"), rs.getString("outcome"), rs.getLong("created_at"), rs.getLong("settles_at"),
                rs.getInt("requests"));
    }
}
