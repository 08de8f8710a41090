package io.vendpay.reconcile.internal;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

import javax.sql.DataSource;

import io.vendpay.payment.PaymentChannel;

/**
 * The yardstick for landing: the same bill file sent as it is by {@code LOAD DATA LOCAL INFILE} into
 * a plain table (one VARCHAR per column, no key, no parsing, no checks), on the same connection
 * settings, in the same run. What the landing path adds on top (parsing, validation, the diff's
 * primary key, checkpoints) is the gap between the two.
 */
public final class RawLoadData {

    private RawLoadData() {
    }

    public static Map<String, Object> measure(DataSource dataSource, PaymentChannel channel, Path file) throws IOException, SQLException {
        var m = new LinkedHashMap<String, Object>();
        Charset cs = channel == PaymentChannel.ALIPAY ? AlipayBill.GBK : StandardCharsets.UTF_8;
        int columns = columns(file, cs);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            if (!c.isWrapperFor(org.mariadb.jdbc.Connection.class)) {
                m.put("skipped", "LOAD DATA LOCAL INFILE needs MariaDB or MySQL");
                return m;
            }
            s.execute("DROP TABLE IF EXISTS bill_raw_bench");
            s.execute("CREATE TABLE bill_raw_bench (" + IntStream.rangeClosed(1, columns).mapToObj(i -> "c" + i + " VARCHAR(255) NULL")
                    .collect(Collectors.joining(", ")) + ")");
            s.execute("SET SESSION sql_mode = ''"); // the summary lines have fewer columns: keep them, as a raw load would
            try (InputStream in = open(file)) {
                s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(in);
                long t0 = System.nanoTime();
                s.execute("LOAD DATA LOCAL INFILE 'raw-bill.csv' INTO TABLE bill_raw_bench CHARACTER SET "
                        + (cs == StandardCharsets.UTF_8 ? "utf8mb4" : "gbk") + " FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n'");
                double seconds = (System.nanoTime() - t0) / 1e9;
                long rows = s.getUpdateCount();
                m.put("rows", rows);
                m.put("seconds", Reconciler.round(seconds));
                m.put("rows_per_s", Math.round(rows / Math.max(seconds, 1e-3)));
            } finally {
                s.execute("SET SESSION sql_mode = DEFAULT");
                s.execute("DROP TABLE IF EXISTS bill_raw_bench");
            }
        }
        return m;
    }

    private static InputStream open(Path file) throws IOException {
        var in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int a = in.read();
        int b = in.read();
        in.reset();
        return a == 0x1f && b == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static int columns(Path file, Charset cs) throws IOException {
        try (var r = new BufferedReader(new InputStreamReader(open(file), cs))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    return line.split(",", -1).length;
                }
            }
        }
        return 1;
    }
}
