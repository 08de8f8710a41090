package io.vendpay.reconcile.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import io.vendpay.payment.PaymentChannel;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code bill_import} rows: one per bill file, its status (LANDING → DIFFING → DONE, or
 * REJECTED, or SUPERSEDED by another file of the same day), its checkpoint and its report. Who is
 * working on an import is a lease (claimed_by/claimed_until), taken and renewed by conditional
 * updates, so a server run and a command-line run of the same file cannot both land it, and a run
 * that died frees it when the lease runs out.
 */
final class BillImports {

    static final String LANDING = "LANDING";
    static final String DIFFING = "DIFFING";
    static final String DONE = "DONE";
    static final String REJECTED = "REJECTED";
    static final String SUPERSEDED = "SUPERSEDED";

    private final JdbcClient jdbc;

    BillImports(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record BillImport(long id, PaymentChannel channel, LocalDate date, String filePath, String identity, long fileSize,
                      String status, String claimedBy, Long claimedUntil, String landingPath, long lineNo, long byteOffset,
                      BillTotals totals, String error, String report, long createdAt, long updatedAt, Long finishedAt) {
    }

    /**
     * What makes a file "the same file again" without reading all of it: its size and a SHA-256 of its
     * first MiB and last 64 KiB, which hold the header, the first lines and the summary totals (for gzip,
     * the trailer's CRC-32 of the whole content).
     */
    static String identity(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = Files.size(file);
        sha.update(Long.toString(size).getBytes());
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            InputStream head = Channels.newInputStream(ch);
            sha.update(head.readNBytes(1 << 20));
            long tail = Math.max(0, size - (64 << 10));
            ch.position(tail);
            sha.update(Channels.newInputStream(ch).readAllBytes());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    List<BillImport> forDay(PaymentChannel channel, LocalDate date) {
        return jdbc.sql("SELECT * FROM bill_import WHERE channel = ? AND bill_date = ? AND status <> 'SUPERSEDED' ORDER BY id")
                .params(channel.name(), date.toString()).query(BillImports::row).list();
    }

    Optional<BillImport> find(long id) {
        return jdbc.sql("SELECT * FROM bill_import WHERE id = ?").param(id).query(BillImports::row).optional();
    }

    List<BillImport> latest(int limit) {
        return jdbc.sql("SELECT * FROM bill_import ORDER BY id DESC LIMIT ?").param(limit).query(BillImports::row).list();
    }

    long create(PaymentChannel channel, LocalDate date, Path file, String identity, long size, long now) {
        var key = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO bill_import (channel, bill_date, file_path, file_identity, file_size, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'LANDING', ?, ?)""")
                .params(channel.name(), date.toString(), file.toString(), identity, size, now, now).update(key, "id");
        return key.getKey().longValue();
    }

    /** Takes the lease when nobody holds it or the holder's ran out. */
    boolean claim(long id, String token, long now, long until) {
        return jdbc.sql("""
                UPDATE bill_import SET claimed_by = ?, claimed_until = ?, updated_at = ?
                WHERE id = ? AND (claimed_by IS NULL OR claimed_until < ? OR claimed_by = ?)""")
                .params(token, until, now, id, now, token).update() == 1;
    }

    boolean renew(long id, String token, long until) {
        return jdbc.sql("UPDATE bill_import SET claimed_until = ? WHERE id = ? AND claimed_by = ?")
                .params(until, id, token).update() == 1;
    }

    void release(long id, String token) {
        jdbc.sql("UPDATE bill_import SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?")
                .params(id, token).update();
    }

    /** Records a chunk's end in the chunk's own transaction: the lines and the checkpoint commit together. */
    static void checkpoint(Connection c, long id, String landingPath, BillTotals t, long lineNo, long offset, String status,
                           long now) throws SQLException {
        try (var ps = c.prepareStatement("""
                UPDATE bill_import SET landing_path = ?, line_no = ?, byte_offset = ?, row_count = ?, pay_count = ?, pay_fen = ?,
                    settle_fen = ?, refund_count = ?, refund_fen = ?, refund_asked_fen = ?, fee_mfen = ?, other_count = ?,
                    status = ?, updated_at = ?
                WHERE id = ? AND status = 'LANDING'""")) {
            int i = 0;
            ps.setString(++i, landingPath);
            ps.setLong(++i, lineNo);
            ps.setLong(++i, offset);
            ps.setLong(++i, t.rows);
            ps.setLong(++i, t.payCount);
            ps.setLong(++i, t.payFen);
            ps.setLong(++i, t.settleFen);
            ps.setLong(++i, t.refundCount);
            ps.setLong(++i, t.refundFen);
            ps.setLong(++i, t.refundAskedFen);
            ps.setLong(++i, t.feeMfen);
            ps.setLong(++i, t.otherCount);
            ps.setString(++i, status);
            ps.setLong(++i, now);
            ps.setLong(++i, id);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("bill import " + id + " is no longer landing: another run superseded it");
            }
        }
    }

    boolean move(long id, String from, String to, long now) {
        return jdbc.sql("UPDATE bill_import SET status = ?, updated_at = ? WHERE id = ? AND status = ?")
                .params(to, now, id, from).update() == 1;
    }

    /** DIFFING → DONE with the report, in the diff's transaction. */
    void finish(long id, String report, long now) {
        if (jdbc.sql("UPDATE bill_import SET status = 'DONE', report = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status = 'DIFFING'")
                .params(report, now, now, id).update() != 1) {
            throw new IllegalStateException("bill import " + id + " is no longer being diffed");
        }
    }

    /** Ends an import as {@code status} (REJECTED, SUPERSEDED) and removes its lines, in bounded batches. */
    void discard(long id, String status, String error, long now) {
        jdbc.sql("UPDATE bill_import SET status = ?, error = ?, finished_at = ?, updated_at = ? WHERE id = ?")
                .params(status, error == null ? null : error.substring(0, Math.min(error.length(), 2000)), now, now, id).update();
        deleteLines(id);
    }

    void deleteLines(long id) {
        // bounded deletes: one huge transaction would hold the undo of millions of rows
        int deleted;
        do {
            deleted = jdbc.sql("DELETE FROM bill_line WHERE import_id = ? LIMIT 50000").param(id).update();
        } while (deleted > 0);
    }

    private static BillImport row(ResultSet rs, int i) throws SQLException {
        var t = new BillTotals();
        t.rows = rs.getLong("row_count");
        t.payCount = rs.getLong("pay_count");
        t.payFen = rs.getLong("pay_fen");
        t.settleFen = rs.getLong("settle_fen");
        t.refundCount = rs.getLong("refund_count");
        t.refundFen = rs.getLong("refund_fen");
        t.refundAskedFen = rs.getLong("refund_asked_fen");
        t.feeMfen = rs.getLong("fee_mfen");
        t.otherCount = rs.getLong("other_count");
        return new BillImport(rs.getLong("id"), PaymentChannel.valueOf(rs.getString("channel")),
                LocalDate.parse(rs.getString("bill_date")), rs.getString("file_path"), rs.getString("file_identity"),
                rs.getLong("file_size"), rs.getString("status"), rs.getString("claimed_by"),
                rs.getObject("claimed_until", Long.class), rs.getString("landing_path"), rs.getLong("line_no"),
                rs.getLong("byte_offset"), t, rs.getString("error"), rs.getString("report"), rs.getLong("created_at"),
                rs.getLong("updated_at"), rs.getObject("finished_at", Long.class));
    }
}
