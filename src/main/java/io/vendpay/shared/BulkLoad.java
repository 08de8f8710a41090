package io.vendpay.shared;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

/**
 * Streams rows into a table by the fastest path the store offers, inside the caller's transaction:
 * {@code LOAD DATA LOCAL INFILE} fed from an in-memory stream on MariaDB/MySQL (one statement, no
 * per-row round trip, no temporary file), multi-row batched inserts elsewhere (H2 runs in-process,
 * where a batch of prepared inserts is its bulk path). Memory is one buffer, whatever the row count.
 * <p>
 * The caller produces rows through {@link RowSource}; it may stop a chunk early (checkpoints) by
 * returning {@code false}.
 */
public final class BulkLoad {

    /** How rows reach the table. */
    public enum Path { LOAD_DATA, BATCH }

    /** Produces the next row into {@code out}; {@code false} when this load has no more rows. */
    @FunctionalInterface
    public interface RowSource {
        boolean next(Row out) throws IOException;
    }

    /** One row's fields, in the order of the load's columns. */
    public interface Row {
        Row text(String value);

        Row number(long value);

        Row nothing();
    }

    private BulkLoad() {
    }

    /** LOAD_DATA on MariaDB/MySQL (unless {@code preferBatch}), BATCH elsewhere. */
    public static Path pathFor(Connection c, boolean preferBatch) throws SQLException {
        // MariaDB's driver serves MariaDB and MySQL servers alike; it is the one that can stream a local infile
        boolean loadData = c.isWrapperFor(org.mariadb.jdbc.Connection.class);
        return loadData && !preferBatch ? Path.LOAD_DATA : Path.BATCH;
    }

    /** Loads rows until the source says stop; returns how many. */
    public static long load(Connection c, Path path, String table, List<String> columns, RowSource source)
            throws SQLException, IOException {
        return path == Path.LOAD_DATA ? loadData(c, table, columns, source) : batch(c, table, columns, source);
    }

    private static long loadData(Connection c, String table, List<String> columns, RowSource source) throws SQLException, IOException {
        var stream = new TsvStream(source);
        try (Statement s = c.createStatement()) {
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(stream);
            // The file name is a label: the driver sends the stream set above, never a file.
            s.execute("LOAD DATA LOCAL INFILE 'vendpay-stream.tsv' INTO TABLE " + table
                    + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ("
                    + String.join(", ", columns) + ")");
        } catch (SQLException e) {
            if (stream.failure != null) {
                throw stream.failure; // the source's own error, not the driver's wrapping of it
            }
            throw e;
        }
        if (stream.failure != null) {
            throw stream.failure;
        }
        return stream.rows;
    }

    private static long batch(Connection c, String table, List<String> columns, RowSource source) throws SQLException, IOException {
        String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(x -> "?").toList()) + ")";
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            var row = new BatchRow(ps);
            int pending = 0;
            while (true) {
                row.index = 0;
                if (!source.next(row)) {
                    break;
                }
                ps.addBatch();
                rows++;
                if (++pending == 2000) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
        return rows;
    }

    private static final class BatchRow implements Row {
        private final PreparedStatement ps;
        int index;

        BatchRow(PreparedStatement ps) {
            this.ps = ps;
        }

        @Override
        public Row text(String value) {
            try {
                ps.setString(++index, value);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }

        @Override
        public Row number(long value) {
            try {
                ps.setLong(++index, value);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }

        @Override
        public Row nothing() {
            try {
                ps.setNull(++index, Types.NULL);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }
    }

    /**
     * Rows as LOAD DATA's default text format (tab-separated, backslash escapes, {@code \N} for NULL),
     * produced on demand while the driver reads: parsing and the server's inserting overlap, and the
     * only memory is this buffer.
     */
    private static final class TsvStream extends InputStream implements Row {
        private final RowSource source;
        private byte[] buf = new byte[1 << 16];
        private int len;
        private int pos;
        private boolean firstField = true;
        private boolean done;
        long rows;
        SQLException failure;

        TsvStream(RowSource source) {
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
            if (pos == len) {
                fill();
                if (len == 0) {
                    return -1;
                }
            }
            int k = Math.min(n, len - pos);
            System.arraycopy(buf, pos, b, off, k);
            pos += k;
            return k;
        }

        private void fill() throws IOException {
            pos = 0;
            len = 0;
            while (!done && len < buf.length - 4096) {
                boolean more;
                int rowStart = len;
                try {
                    firstField = true;
                    more = source.next(this);
                } catch (IOException | RuntimeException e) {
                    // End the stream on the last whole row and fail after the statement: the caller rolls
                    // the chunk back, and the driver's connection stays in a known state.
                    failure = new SQLException(e.getMessage(), "VPBLK", e);
                    len = rowStart;
                    done = true;
                    break;
                }
                if (!more) {
                    done = true;
                    break;
                }
                put((byte) '\n');
                rows++;
            }
        }

        private void separator() {
            if (!firstField) {
                put((byte) '\t');
            }
            firstField = false;
        }

        private void put(byte x) {
            if (len == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2); // a single huge row only
            }
            buf[len++] = x;
        }

        @Override
        public Row text(String value) {
            separator();
            int n = value.length();
            for (int i = 0; i < n; i++) {
                char ch = value.charAt(i);
                if (ch >= 0x20 && ch < 0x80 && ch != '\\') {
                    put((byte) ch);
                } else if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                    put((byte) '\\');
                    put((byte) (ch == '\\' ? '\\' : ch == '\t' ? 't' : ch == '\n' ? 'n' : 'r'));
                } else {
                    byte[] utf8 = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
                    if (Character.isHighSurrogate(ch) && i + 1 < n) {
                        utf8 = value.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                        i++;
                    }
                    for (byte u : utf8) {
                        put(u);
                    }
                }
            }
            return this;
        }

        @Override
        public Row number(long value) {
            separator();
            if (value == Long.MIN_VALUE) {
                return text(Long.toString(value));
            }
            if (value < 0) {
                put((byte) '-');
                value = -value;
            }
            int start = len;
            do {
                put((byte) ('0' + (value % 10)));
                value /= 10;
            } while (value > 0);
            for (int i = start, j = len - 1; i < j; i++, j--) {
                byte t = buf[i];
                buf[i] = buf[j];
                buf[j] = t;
            }
            return this;
        }

        @Override
        public Row nothing() {
            separator();
            put((byte) '\\');
            put((byte) 'N');
            return this;
        }
    }
}
