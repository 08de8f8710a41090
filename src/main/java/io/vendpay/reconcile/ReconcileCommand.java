package io.vendpay.reconcile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.reconcile.internal.BillException;
import io.vendpay.reconcile.internal.RawLoadData;
import io.vendpay.reconcile.internal.ReconcileCore;
import io.vendpay.reconcile.internal.Reconciler;
import io.vendpay.reconcile.internal.RunProgress;
import io.vendpay.shared.CommandLineStore;
import io.vendpay.shared.ConsoleProgress;
import io.vendpay.shared.Money;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar vendpay.jar reconcile --channel WECHAT|ALIPAY --date YYYY-MM-DD --file PATH [--json PATH] [--compare-raw]}
 * <p>
 * Lands the bill in the configured store (the server's configuration sources; the embedded H2 when
 * none) and diffs it; prints the summary, keeps the report in the store, and writes it as JSON with
 * {@code --json}. {@code --compare-raw} first times a raw {@code LOAD DATA LOCAL INFILE} of the same
 * file into a plain table, for the landing/raw ratio. Exit status: 0 reconciled (differences or not),
 * 1 the bill was rejected, 2 bad arguments, 3 another run holds this bill.
 */
public final class ReconcileCommand {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ReconcileCommand() {
    }

    public static int run(String[] args) {
        Map<String, String> opts = CommandLineStore.modeOptions(args, 0, Set.of("compare-raw"));
        PaymentChannel channel;
        LocalDate date;
        Path file;
        try {
            channel = PaymentChannel.valueOf(required(opts, "channel").toUpperCase());
            date = LocalDate.parse(required(opts, "date"));
            file = Path.of(required(opts, "file"));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            System.err.println("vendpay reconcile: " + (e instanceof DateTimeParseException ? "--date must be YYYY-MM-DD"
                    : e.getMessage().startsWith("missing") ? e.getMessage() : "--channel must be WECHAT or ALIPAY"));
            System.err.println("usage: vendpay reconcile --channel WECHAT|ALIPAY --date YYYY-MM-DD --file PATH [--json PATH] [--compare-raw]");
            return 2;
        }
        try (var ctx = CommandLineStore.open(CommandLineStore.springArgs(args), ReconcileCore.class)) {
            Reconciler reconciler = ctx.getBean(Reconciler.class);
            Map<String, Object> raw = null;
            if (opts.containsKey("compare-raw")) {
                System.err.println("timing a raw LOAD DATA LOCAL INFILE of the same file ...");
                raw = RawLoadData.measure(ctx.getBean(DataSource.class), channel, file);
            }
            var prepared = reconciler.prepare(channel, date, file);
            if (prepared.resumeFromLine() > 0 && prepared.alreadyDone() == null) {
                System.err.printf("resuming import %d after line %,d%n", prepared.importId(), prepared.resumeFromLine());
            }
            var bar = new ConsoleProgress(System.err, "reconcile " + channel + " " + date);
            var progress = new RunProgress();
            var report = new LinkedHashMap<>(reconciler.run(prepared, progress, new Reconciler.Listener() {
                @Override
                public void progress(RunProgress p) {
                    bar.update(p.fileBytesRead, p.fileSize, p.rows);
                }
            }));
            if (prepared.alreadyDone() == null) {
                bar.finish(progress.rows);
            }
            if (raw != null) {
                report.put("raw_load_data", raw);
                Object landing = report.get("landing");
                if (raw.get("rows_per_s") instanceof Long rawRate && landing instanceof Map<?, ?> l
                        && l.get("rows_per_s") instanceof Number ours && rawRate > 0) {
                    raw.put("landing_to_raw_ratio", Math.round(100.0 * ours.doubleValue() / rawRate) / 100.0);
                }
            }
            print(System.out, report);
            if (opts.containsKey("json")) {
                Files.writeString(Path.of(opts.get("json")), JSON.writeValueAsString(report) + "\n");
            }
            return 0;
        } catch (BillException e) {
            System.err.println();
            System.err.println("vendpay reconcile: bill rejected: " + e.getMessage());
            return 1;
        } catch (Reconciler.Busy e) {
            System.err.println("vendpay reconcile: " + e.getMessage());
            return 3;
        } catch (IOException | java.sql.SQLException e) {
            System.err.println("vendpay reconcile: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println();
            System.err.println("vendpay reconcile: failed: " + e.getMessage()
                    + " (what was landed is kept: the same command resumes from the last checkpoint)");
            return 1;
        }
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintStream out, Map<String, Object> r) {
        if (Boolean.TRUE.equals(r.get("already_reconciled"))) {
            out.println("This file was reconciled before (import " + r.get("import_id") + "); its kept report:");
        }
        out.printf("%s %s: %,d lines in %s s (%,d lines/s), heap peak %s MB%n", r.get("channel"), r.get("date"),
                ((Number) r.get("rows")).longValue(), r.get("seconds"), ((Number) r.get("rows_per_s")).longValue(), r.get("heap_max_mb"));
        var bill = (Map<String, Object>) r.get("bill");
        var pay = (Map<String, Object>) bill.get("payments");
        var ref = (Map<String, Object>) bill.get("refunds");
        var fees = (Map<String, Object>) bill.get("fees");
        out.printf("  bill: %,d payments %s yuan, %,d refunds %s yuan, fees %s yuan%n", ((Number) pay.get("count")).longValue(),
                Money.yuan(((Number) pay.get("money_fen")).longValue()), ((Number) ref.get("count")).longValue(),
                Money.yuan(((Number) ref.get("money_fen")).longValue()), fees.get("yuan"));
        var diffs = (Map<String, Map<String, Object>>) r.get("differences");
        diffs.forEach((kind, d) -> out.printf("  %-22s %,10d  %14s yuan  %s%n", kind, ((Number) d.get("count")).longValue(),
                Money.yuan(((Number) d.get("money_fen")).longValue()),
                kind.equals(DiscrepancyKind.PAID_NOT_RECORDED.name()) ? "fed through the notification path by the server"
                        : "recorded for an operator"));
        if (r.get("raw_load_data") instanceof Map<?, ?> raw) {
            out.println("  raw LOAD DATA of the same file: " + raw);
        }
    }
}
