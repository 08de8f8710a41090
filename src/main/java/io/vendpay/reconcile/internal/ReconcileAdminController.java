package io.vendpay.reconcile.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.reconcile.DiscrepancyKind;
import io.vendpay.shared.ApiException;
import io.vendpay.shared.BoundedWorkers;
import io.vendpay.shared.ChinaTime;
import io.vendpay.sandbox.SandboxBills;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operator API for server-side reconciliations:
 * <ul>
 *   <li>{@code POST /api/v1/admin/reconciliations} {@code {"channel":"WECHAT","date":"2026-11-23","file":"/srv/bills/x.csv.gz"}}
 *       starts one for a file on the server and answers {@code 202} with its id (or {@code 200} with the kept report when
 *       the same file was reconciled before). Without {@code file} on the embedded default, the sandbox writes the day's
 *       bill of what it processed and that is reconciled.</li>
 *   <li>{@code GET /api/v1/admin/reconciliations/{id}}: status, live progress (rows, rows/s, ETA), error, report.</li>
 *   <li>{@code GET /api/v1/admin/reconciliations}: the latest ones; {@code GET .../{id}/differences?kind=}: what was found.</li>
 * </ul>
 * Runs one at a time on a bounded pool: landing is I/O- and CPU-heavy, and two at once would only halve each.
 */
@RestController
class ReconcileAdminController {

    private static final Logger log = LoggerFactory.getLogger(ReconcileAdminController.class);

    private final Reconciler reconciler;
    private final BillPaymentFeeder feeder;
    private final ObjectProvider<SandboxBills> sandboxBills;
    private final Path billsDir;
    private final ThreadPoolExecutor runner;
    private final Map<Long, RunProgress> live = new ConcurrentHashMap<>();

    ReconcileAdminController(Reconciler reconciler, BillPaymentFeeder feeder, ObjectProvider<SandboxBills> sandboxBills,
                             @Value("${vendpay.data-dir}") String dataDir, MeterRegistry meters) {
        this.reconciler = reconciler;
        this.feeder = feeder;
        this.sandboxBills = sandboxBills;
        this.billsDir = Path.of(dataDir).resolve("bills");
        this.runner = BoundedWorkers.create("reconcile", 1, 8, meters);
    }

    record StartRequest(String channel, String date, String file) {
    }

    @PostMapping("/api/v1/admin/reconciliations")
    ResponseEntity<Map<String, Object>> start(@RequestBody StartRequest body) {
        PaymentChannel channel = channel(body.channel());
        LocalDate date = date(body.date());
        Path file = body.file() == null || body.file().isBlank() ? sandboxBill(channel, date) : Path.of(body.file());
        Reconciler.Prepared p;
        try {
            p = reconciler.prepare(channel, date, file);
        } catch (BillException e) {
            throw ApiException.badRequest("BILL_REJECTED", e.getMessage());
        } catch (Reconciler.Busy e) {
            throw ApiException.conflict("RECONCILIATION_RUNNING", e.getMessage());
        }
        if (p.alreadyDone() != null) {
            return ResponseEntity.ok(view(p.importId()));
        }
        RunProgress running = live.get(p.importId());
        if (running != null && !terminal(running.phase)) {
            throw ApiException.conflict("RECONCILIATION_RUNNING", "reconciliation " + p.importId() + " of this file is running");
        }
        var progress = new RunProgress();
        live.put(p.importId(), progress);
        try {
            runner.execute(() -> run(p, progress));
        } catch (RejectedExecutionException full) {
            live.remove(p.importId());
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "RECONCILIATIONS_QUEUED",
                    "8 reconciliations are already waiting; try again when one has finished");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(view(p.importId()));
    }

    private void run(Reconciler.Prepared p, RunProgress progress) {
        try {
            reconciler.run(p, progress, new Reconciler.Listener() { });
            feeder.feedPending();
        } catch (RuntimeException e) {
            log.warn("event=reconcile.failed import_id={} error=\"{}\"", p.importId(), e.getMessage());
        } finally {
            live.remove(p.importId()); // from now on the import's row tells everything
        }
    }

    @GetMapping("/api/v1/admin/reconciliations/{id}")
    Map<String, Object> get(@PathVariable long id) {
        return view(id);
    }

    @GetMapping("/api/v1/admin/reconciliations")
    Map<String, Object> list(@RequestParam(defaultValue = "20") int limit) {
        if (limit < 1 || limit > 200) {
            throw ApiException.badRequest("BAD_PARAMETER", "limit must be 1 to 200");
        }
        List<Map<String, Object>> items = reconciler.imports().latest(limit).stream().map(i -> view(i.id())).toList();
        return Map.of("reconciliations", items, "count", items.size());
    }

    @GetMapping("/api/v1/admin/reconciliations/{id}/differences")
    Map<String, Object> differences(@PathVariable long id, @RequestParam(required = false) String kind,
                                    @RequestParam(defaultValue = "100") int limit) {
        view(id); // 404 for an unknown id
        if (kind != null && !kind.isBlank()) {
            try {
                DiscrepancyKind.valueOf(kind);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("BAD_PARAMETER", "kind must be one of " + List.of(DiscrepancyKind.values()));
            }
        }
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("BAD_PARAMETER", "limit must be 1 to 1000");
        }
        boolean all = kind == null || kind.isBlank();
        List<Map<String, Object>> items = reconciler.jdbc().sql("""
                SELECT kind, order_no, ref, bill_fen, local_fen, money_fen, occurred_at, resolution, resolved_at
                FROM bill_difference WHERE import_id = ? AND (? OR kind = ?) ORDER BY kind, order_no LIMIT ?""")
                .params(id, all, all ? "" : kind, limit)
                .query((rs, n) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("kind", rs.getString("kind"));
                    m.put("orderNo", rs.getString("order_no"));
                    m.put("ref", rs.getString("ref"));
                    m.put("billFen", rs.getObject("bill_fen", Long.class));
                    m.put("localFen", rs.getObject("local_fen", Long.class));
                    m.put("moneyFen", rs.getLong("money_fen"));
                    m.put("occurredAt", ChinaTime.rfc3339(rs.getLong("occurred_at")));
                    m.put("resolution", rs.getString("resolution"));
                    m.put("resolvedAt", ChinaTime.rfc3339OrNull(rs.getObject("resolved_at", Long.class)));
                    return m;
                }).list();
        return Map.of("differences", items, "count", items.size());
    }

    private Map<String, Object> view(long id) {
        var imp = reconciler.imports().find(id)
                .orElseThrow(() -> ApiException.notFound("RECONCILIATION_NOT_FOUND", "no reconciliation " + id));
        var m = new LinkedHashMap<String, Object>();
        m.put("id", imp.id());
        m.put("channel", imp.channel().name());
        m.put("date", imp.date().toString());
        m.put("file", imp.filePath());
        m.put("status", imp.status());
        RunProgress p = live.get(id);
        var progress = new LinkedHashMap<String, Object>();
        if (p != null && !terminal(p.phase)) {
            progress.put("phase", p.phase);
            progress.put("rows", p.rows);
            progress.put("percent", p.fileSize <= 0 ? 0 : Math.min(100.0, Math.round(1000.0 * p.fileBytesRead / p.fileSize) / 10.0));
            progress.put("rowsPerSecond", Math.round(p.rowsPerSecond()));
            progress.put("etaSeconds", p.etaSeconds());
        } else {
            progress.put("phase", imp.status());
            progress.put("rows", imp.totals().rows);
            progress.put("checkpointLine", imp.lineNo());
        }
        m.put("progress", progress);
        m.put("error", imp.error());
        m.put("report", reconciler.report(id));
        m.put("createdAt", ChinaTime.rfc3339(imp.createdAt()));
        m.put("finishedAt", ChinaTime.rfc3339OrNull(imp.finishedAt()));
        return m;
    }

    private static boolean terminal(String phase) {
        return phase.equals(BillImports.DONE) || phase.equals(BillImports.REJECTED) || phase.equals("FAILED");
    }

    private Path sandboxBill(PaymentChannel channel, LocalDate date) {
        SandboxBills bills = sandboxBills.getIfAvailable();
        if (bills == null) {
            throw ApiException.badRequest("BAD_PARAMETER", "file is required: the path of the bill file on this server");
        }
        try {
            Files.createDirectories(billsDir);
            Path out = billsDir.resolve(channel.name().toLowerCase() + "-" + date + ".csv");
            bills.writeDayBill(channel.name(), date, out);
            return out;
        } catch (IOException e) {
            throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "SANDBOX_BILL_FAILED", "the sandbox could not write its bill: " + e.getMessage());
        }
    }

    static PaymentChannel channel(String s) {
        try {
            return PaymentChannel.valueOf(s == null ? "" : s.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("BAD_PARAMETER", "channel must be WECHAT or ALIPAY");
        }
    }

    static LocalDate date(String s) {
        try {
            return LocalDate.parse(s == null ? "" : s.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("BAD_PARAMETER", "date must be YYYY-MM-DD");
        }
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow(); // an interrupted landing resumes from its checkpoint next time
    }
}
