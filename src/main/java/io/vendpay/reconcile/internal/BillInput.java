package io.vendpay.reconcile.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A bill file read line by line as bytes, plain or gzip (recognised by its magic bytes, not its
 * name). Lines are handed out as ranges of one reusable buffer: no String, no decoding, no
 * allocation per line, so a 100-million-line file costs its bytes and nothing else. Every field the
 * diff needs is ASCII in both channels' encodings (UTF-8, GBK), and none of GBK's trail bytes is a
 * comma or a newline, so splitting bytes is safe for both.
 */
final class BillInput implements AutoCloseable {

    private static final int MAX_LINE = 1 << 20;

    private final Counting file;
    private final InputStream in;
    private final long fileSize;
    private byte[] buf = new byte[1 << 20];
    private int pos;
    private int lim;
    private long bufStart;      // offset in the (decompressed) bill of buf[0]
    private long lineNo;
    private boolean eof;
    /** The current line: buf[start, end). */
    int start;
    int end;

    BillInput(Path path) throws IOException {
        this.fileSize = Files.size(path);
        this.file = new Counting(Files.newInputStream(path));
        var peek = new BufferedInputStream(file, 1 << 16);
        peek.mark(2);
        int a = peek.read();
        int b = peek.read();
        peek.reset();
        this.in = a == 0x1f && b == 0x8b ? new GZIPInputStream(peek, 1 << 16) : peek;
    }

    byte[] buf() {
        return buf;
    }

    long lineNo() {
        return lineNo;
    }

    /** Bytes of the bill (decompressed) before the next line. */
    long offset() {
        return bufStart + pos;
    }

    long fileBytesRead() {
        return file.count;
    }

    long fileSize() {
        return fileSize;
    }

    /** Advances to the next line (without its CR LF); {@code false} at the end of the file. */
    boolean next() throws IOException {
        while (true) {
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    start = pos;
                    end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    pos = i + 1;
                    lineNo++;
                    return true;
                }
            }
            if (eof) {
                if (pos < lim) { // a last line without a newline
                    start = pos;
                    end = buf[lim - 1] == '\r' ? lim - 1 : lim;
                    pos = lim;
                    lineNo++;
                    return true;
                }
                return false;
            }
            fill();
        }
    }

    /** Moves to {@code offset} (a checkpoint's), counting it as line {@code line}: the lines between are not read again. */
    void skipTo(long offset, long line) throws IOException {
        while (bufStart + lim < offset && !eof) {
            pos = lim;
            fill();
        }
        if (offset > bufStart + lim) {
            throw new BillException("the file is shorter than the checkpoint of its earlier import (" + offset
                    + " bytes); it changed since, land it as a new file");
        }
        pos = (int) (offset - bufStart);
        lineNo = line;
    }

    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            bufStart += pos;
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            if (buf.length >= MAX_LINE * 2) {
                throw BillException.at(lineNo + 1, "longer than " + MAX_LINE + " bytes: not a bill line");
            }
            buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
        int n;
        try {
            n = in.read(buf, lim, buf.length - lim);
        } catch (ZipException | EOFException e) {
            throw BillException.at(lineNo + 1, "corrupt or truncated gzip data (" + e.getMessage() + ")");
        }
        if (n < 0) {
            eof = true;
        } else {
            lim += n;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = super.skip(n);
            count += k;
            return k;
        }
    }
}
