package io.vendpay.reconcile.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.reconcile.DiscrepancyKind;
import io.vendpay.shared.Alerts;
import io.vendpay.shared.BoundedWorkers;
import io.vendpay.shared.BulkLoad;
import io.vendpay.shared.CommandLineStore;
import io.vendpay.shared.LongStatements;
import io.vendpay.shared.Money;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * One reconciliation of one bill file: land it (streaming, in checkpointed chunks), diff it, keep
 * the report. The same file again is a no-op that answers the kept report; the same file after a
 * crash resumes from its last checkpoint; a bad file is rejected with the line and the problem, and
 * its lines are removed. Orders are never touched here: the diff only writes {@code bill_difference}.
 */
public final class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final List<String> LINE_COLUMNS = List.of("import_id", "kind", "trade_key", "out_trade_no", "transaction_id",
            "refund_id", "amount_fen", "fee_mfen", "traded_at", "state", "line_no");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final BillImports imports;
    private final BillDiff diff;
    private final ReconcileProperties props;
    private final Alerts alerts;
    private final ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(BoundedWorkers.daemonThreads("reconcile-lease"));

    public Reconciler(DataSource dataSource, JdbcClient jdbc, PlatformTransactionManager tx, ReconcileProperties props, Alerts alerts) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.imports = new BillImports(jdbc);
        this.diff = new BillDiff(dataSource, jdbc, tx);
        this.props = props;
        this.alerts = alerts;
    }

    /** Hears about a run as it goes; a test may throw from {@link #checkpointed} to play a crash between chunks. */
    public interface Listener {
        default void progress(RunProgress p) {
        }

        default void checkpointed(long importId, long lineNo) {
        }
    }

    /** What {@link #prepare} decided: a new or resumed import to run, or the report of the same file done before. */
    public record Prepared(long importId, PaymentChannel channel, LocalDate date, Path file, long resumeFromLine,
                           Map<String, Object> alreadyDone) {
    }

    /** Another run holds the import. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Checks the request and finds or creates its import: cheap (reads the file's head and tail only),
     * so the operator API can answer with an id before the long part runs.
     */
    public Prepared prepare(PaymentChannel channel, LocalDate date, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BillException("bill file " + file + " does not exist or cannot be read");
        }
        String identity;
        long size;
        try {
            identity = BillImports.identity(file);
            size = Files.size(file);
        } catch (IOException e) {
            // not the bill's fault (a disk, a mount): keep what landed, the next run resumes
            throw new IllegalStateException("cannot read bill file " + file + ": " + e.getMessage(), e);
        }
        long now = System.currentTimeMillis();
        BillImports.BillImport resumable = null;
        for (var i : imports.forDay(channel, date)) {
            boolean same = i.identity().equals(identity);
            if (i.status().equals(BillImports.DONE)) {
                if (same) {
                    return new Prepared(i.id(), channel, date, file, i.lineNo(), alreadyDone(i));
                }
                throw new BillException("a different " + channel + " bill for " + date + " was already reconciled (import " + i.id()
                        + " from " + i.filePath() + "); a bill is landed once per channel and day");
            }
            if (same && (i.status().equals(BillImports.LANDING) || i.status().equals(BillImports.DIFFING))) {
                resumable = i;
            } else if (!i.status().equals(BillImports.REJECTED)) {
                if (i.claimedUntil() != null && i.claimedUntil() > now) {
                    throw new Busy("import " + i.id() + " of another file for " + channel + " " + date + " is running");
                }
                log.info("event=reconcile.superseded import_id={} by_file={}", i.id(), file);
                imports.discard(i.id(), BillImports.SUPERSEDED, "superseded by " + file, now);
            }
        }
        if (resumable != null) {
            return new Prepared(resumable.id(), channel, date, file, resumable.lineNo(), null);
        }
        long id = imports.create(channel, date, file, identity, size, now);
        return new Prepared(id, channel, date, file, 0, null);
    }

    /** Lands, diffs and reports. Throws {@link BillException} for a bad bill (then rejected), {@link Busy} when another run has it. */
    public Map<String, Object> run(Prepared p, RunProgress progress, Listener listener) {
        if (p.alreadyDone() != null) {
            progress.phase = BillImports.DONE;
            return p.alreadyDone();
        }
        String token = UUID.randomUUID().toString();
        long leaseMs = props.lease().toMillis();
        if (!imports.claim(p.importId(), token, System.currentTimeMillis(), System.currentTimeMillis() + leaseMs)) {
            throw new Busy("import " + p.importId() + " is being landed by another run; if that run died, retry after "
                    + props.lease().toSeconds() + " s");
        }
        var renewal = leases.scheduleAtFixedRate(() -> {
            try {
                imports.renew(p.importId(), token, System.currentTimeMillis() + leaseMs);
            } catch (RuntimeException e) {
                log.warn("event=reconcile.lease_renewal_failed import_id={} error=\"{}\"", p.importId(), e.toString());
            }
        }, leaseMs / 4, leaseMs / 4, TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        try {
            var imp = imports.find(p.importId()).orElseThrow();
            progress.fileSize = imp.fileSize();
            progress.rows = imp.totals().rows;
            progress.rowsAtStart = imp.totals().rows;
            Map<String, Object> landing = new LinkedHashMap<>();
            if (imp.status().equals(BillImports.LANDING)) {
                landing = land(imp, p.file(), progress, listener);
                imp = imports.find(p.importId()).orElseThrow();
            }
            progress.phase = BillImports.DIFFING;
            listener.progress(progress);
            long d0 = System.nanoTime();
            long now = System.currentTimeMillis();
            var found = diff.run(imp.id(), imp.channel(), imp.date(), now);
            var report = report(imp, found, landing, (System.nanoTime() - d0) / 1e9, (System.nanoTime() - t0) / 1e9);
            imports.finish(imp.id(), JSON.writeValueAsString(report), now);
            progress.phase = BillImports.DONE;
            listener.progress(progress);
            alert(imp, found);
            return report;
        } catch (BillException e) {
            progress.phase = BillImports.REJECTED;
            progress.error = e.getMessage();
            log.warn("event=reconcile.rejected import_id={} file={} reason=\"{}\"", p.importId(), p.file(), e.getMessage());
            imports.discard(p.importId(), BillImports.REJECTED, e.getMessage(), System.currentTimeMillis());
            throw e;
        } catch (RuntimeException e) {
            progress.phase = "FAILED";
            progress.error = e.toString();
            throw e; // the import stays LANDING/DIFFING: the next run of the same file resumes it
        } finally {
            renewal.cancel(false);
            imports.release(p.importId(), token);
        }
    }

    /** Lands {@code file} (the same content as the import's, possibly at another path now). */
    private Map<String, Object> land(BillImports.BillImport imp, Path file, RunProgress progress, Listener listener) {
        progress.phase = BillImports.LANDING;
        long t0 = System.nanoTime();
        long resumedFrom = imp.lineNo();
        try (var in = new BillInput(file)) {
            BillLayout layout = BillLayout.open(in, imp.channel(), imp.date());
            if (resumedFrom > 0) {
                layout.resume(imp.totals(), imp.byteOffset(), imp.lineNo());
                log.info("event=reconcile.resumed import_id={} from_line={}", imp.id(), resumedFrom);
            }
            long rowsBefore = layout.totals.rows;
            BulkLoad.Path path;
            try (Connection c = dataSource.getConnection()) {
                LongStatements.allow(c);    // a checkpoint's worth of rows streams for longer than the server's socket timeout
                c.setAutoCommit(false);
                path = BulkLoad.pathFor(c, props.preferBatch());
                var line = new BillLine();
                boolean[] ended = {false};
                int chunkRows = props.checkpointRows();
                while (!ended[0]) {
                    long[] inChunk = {0};
                    BulkLoad.RowSource source = row -> {
                        if (inChunk[0] == chunkRows) {
                            return false;
                        }
                        if (!layout.next(line)) {
                            ended[0] = true;
                            return false;
                        }
                        if ((++inChunk[0] & 0x3fff) == 0) {
                            progress.rows = layout.totals.rows;
                            progress.fileBytesRead = in.fileBytesRead();
                            listener.progress(progress);
                        }
                        row.number(imp.id()).text(line.kind).text(line.tradeKey)
                                .text(BillLine.PAYMENT.equals(line.kind) ? "" : line.outTradeNo).text(line.transactionId)
                                .text(line.refundId).number(line.amountFen).number(line.feeMfen).number(line.tradedAt)
                                .text(line.state).number(line.lineNo);
                        return true;
                    };
                    try {
                        BulkLoad.load(c, path, "bill_line", LINE_COLUMNS, source);
                        BillImports.checkpoint(c, imp.id(), path.name(), layout.totals, in.lineNo(), in.offset(),
                                ended[0] ? BillImports.DIFFING : BillImports.LANDING, System.currentTimeMillis());
                        c.commit();
                    } catch (SQLException | IOException | RuntimeException e) {
                        rollback(c);
                        throw landingFailure(e);
                    }
                    progress.rows = layout.totals.rows;
                    progress.fileBytesRead = in.fileBytesRead();
                    listener.progress(progress);
                    listener.checkpointed(imp.id(), in.lineNo());
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long landedRows = layout.totals.rows - rowsBefore;
            var m = new LinkedHashMap<String, Object>();
            m.put("path", path.name());
            m.put("rows", landedRows);
            m.put("seconds", round(seconds));
            m.put("rows_per_s", Math.round(landedRows / Math.max(seconds, 1e-3)));
            m.put("resumed_from_line", resumedFrom);
            return m;
        } catch (IOException e) {
            // not the bill's fault (a disk, a mount): keep what landed, the next run resumes
            throw new IllegalStateException("cannot read bill file " + file + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("store refused the bill's lines: " + e.getMessage(), e);
        }
    }

    /** The bill's own error when the store's driver wrapped it; a duplicate line is the bill's fault too. */
    private static RuntimeException landingFailure(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BillException b) {
                return b;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23")) {
                return new BillException("the bill lists the same payment or refund twice (" + s.getMessage() + ")");
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException("landing failed: " + e.getMessage(), e);
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; its transaction went with it
        }
    }

    private Map<String, Object> report(BillImports.BillImport imp, Map<DiscrepancyKind, BillDiff.Found> found,
                                       Map<String, Object> landing, double diffSeconds, double seconds) {
        var t = imp.totals();
        var r = new LinkedHashMap<String, Object>();
        r.put("import_id", imp.id());
        r.put("channel", imp.channel().name());
        r.put("date", imp.date().toString());
        r.put("file", imp.filePath());
        r.put("status", BillImports.DONE);
        r.put("rows", t.rows);
        r.put("seconds", round(seconds));
        r.put("rows_per_s", Math.round(t.rows / Math.max(seconds, 1e-3)));
        r.put("heap_max_mb", CommandLineStore.peakHeapMb());
        r.put("heap_limit_mb", Runtime.getRuntime().maxMemory() >> 20);
        r.put("landing", landing);
        r.put("diff_seconds", round(diffSeconds));
        var bill = new LinkedHashMap<String, Object>();
        bill.put("payments", Map.of("count", t.payCount, "money_fen", t.payFen));
        bill.put("refunds", Map.of("count", t.refundCount, "money_fen", t.refundAskedFen));
        bill.put("other_lines", t.otherCount);
        bill.put("fees", Map.of("yuan", java.math.BigDecimal.valueOf(t.feeMfen, 5).toPlainString(),
                "money_fen", Math.round(t.feeMfen / 1000.0)));
        r.put("bill", bill);
        var diffs = new LinkedHashMap<String, Object>();
        found.forEach((k, f) -> diffs.put(k.name(), Map.of("count", f.count(), "money_fen", f.moneyFen())));
        r.put("differences", diffs);
        return r;
    }

    private void alert(BillImports.BillImport imp, Map<DiscrepancyKind, BillDiff.Found> found) {
        found.forEach((kind, f) -> {
            if (f.count() == 0) {
                return;
            }
            String details = "channel=" + imp.channel() + " date=" + imp.date() + " count=" + f.count() + " money="
                    + Money.yuan(f.moneyFen()) + " import_id=" + imp.id()
                    + " (GET /api/v1/admin/reconciliations/" + imp.id() + "/differences?kind=" + kind + ")";
            if (kind == DiscrepancyKind.PAID_NOT_RECORDED) {
                log.warn("event=reconcile.lost_payments {} (fed through the notification path by the server)", details);
            } else {
                alerts.raise("RECONCILE_" + kind, details);
            }
        });
    }

    private Map<String, Object> alreadyDone(BillImports.BillImport i) {
        var r = stored(i);
        r.put("already_reconciled", true);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stored(BillImports.BillImport i) {
        return new LinkedHashMap<String, Object>(JSON.readValue(i.report(), LinkedHashMap.class));
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    public Map<String, Object> report(long importId) {
        return imports.find(importId).filter(i -> i.report() != null).map(Reconciler::stored).orElse(null);
    }

    BillImports imports() {
        return imports;
    }

    JdbcClient jdbc() {
        return jdbc;
    }
}
