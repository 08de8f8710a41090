package io.vendpay.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * The sandbox's daily bills: what the sandbox processed on a day (its own books, not vendpay's),
 * written in the channel's own layout (WeChat: trade bill type ALL, UTF-8; Alipay: 业务明细, GBK),
 * so reconciliation runs against exactly what a real channel would publish. Only on the embedded default.
 */
public interface SandboxBills {

    /**
     * Writes the bill of {@code channel} ({@code WECHAT} or {@code ALIPAY}) for {@code date} to {@code out}
     * (gzip when the name ends in {@code .gz}); returns the number of detail lines.
     */
    long writeDayBill(String channel, LocalDate date, Path out) throws IOException;
}
