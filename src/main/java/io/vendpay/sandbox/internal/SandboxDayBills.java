package io.vendpay.sandbox.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.vendpay.shared.ChinaTime;
import io.vendpay.sandbox.AlipaySandboxCredentials;
import io.vendpay.sandbox.SandboxBills;
import io.vendpay.sandbox.SandboxCredentials;
import io.vendpay.sandbox.internal.bills.BillWriter;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The day's bill of what the sandbox processed, cut from its own books: the trades paid that day and
 * the refunds it accepted that day, in time order, each refund with the state it has at the time the
 * bill is cut (a real bill's refund state is a snapshot too). Opens its own pool on the ledger's H2
 * file: in one JVM both pools share the one open database.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.sandbox", name = "enabled", havingValue = "true")
public class SandboxDayBills implements SandboxBills {

    private final SandboxLedger ledger;
    private final Path dataDir;

    SandboxDayBills(@Value("${vendpay.data-dir}") String dataDir) {
        this.dataDir = Path.of(dataDir);
        this.ledger = new SandboxLedger(SandboxCredentials.loadOrCreate(this.dataDir).dir());
    }

    @Override
    public long writeDayBill(String channel, LocalDate date, Path out) throws IOException {
        return write(ledger, dataDir, channel, date, out);
    }

    /** For the command line, with no server running: opens the ledger under {@code dataDir} for this one bill. */
    public static long fromLedger(Path dataDir, String channel, LocalDate date, Path out) throws IOException {
        try (var ledger = new SandboxLedger(SandboxCredentials.loadOrCreate(dataDir).dir())) {
            return write(ledger, dataDir, channel, date, out);
        }
    }

    private record Line(long at, SandboxLedger.Trade trade, SandboxLedger.Refund refund) {
    }

    private static long write(SandboxLedger ledger, Path dataDir, String channel, LocalDate date, Path out) throws IOException {
        long from = ChinaTime.startOfDay(date);
        long to = ChinaTime.startOfDay(date.plusDays(1));
        var lines = new ArrayList<Line>();
        ledger.jdbc().sql("SELECT * FROM sandbox_trade WHERE channel = ? AND paid_at >= ? AND paid_at < ?")
                .params(channel, from, to).query((rs, i) -> SandboxLedger.trade(rs, i)).list()
                .forEach(t -> lines.add(new Line(t.paidAt(), t, null)));
        List<SandboxLedger.Refund> refunds = ledger.jdbc()
                .sql("SELECT * FROM sandbox_refund WHERE channel = ? AND created_at >= ? AND created_at < ?")
                .params(channel, from, to).query((rs, i) -> SandboxLedger.refund(rs, i)).list();
        for (var r : refunds) {
            lines.add(new Line(r.createdAt(), ledger.trade(channel, r.outTradeNo()).orElse(null), r));
        }
        lines.sort(Comparator.comparingLong(Line::at));
        String merchant = channel.equals("ALIPAY") ? AlipaySandboxCredentials.loadOrCreate(dataDir).sellerId()
                : SandboxCredentials.loadOrCreate(dataDir).mchid();
        long now = System.currentTimeMillis();
        try (var w = BillWriter.open(channel, date, out, merchant)) {
            for (var l : lines) {
                String product = l.trade() == null || l.trade().description() == null ? "" : l.trade().description();
                if (l.refund() == null) {
                    w.payment(l.at(), l.trade().transactionId(), l.trade().outTradeNo(), l.trade().paidFen(), product);
                } else {
                    var r = l.refund();
                    w.refund(l.at(), r.transactionId(), r.outTradeNo(), r.totalFen(), r.refundId(), r.outRefundNo(), r.refundFen(),
                            r.statusAt(now), product);
                }
            }
            return w.rows();
        }
    }

    @PreDestroy
    void close() {
        ledger.close();
    }
}
