package io.vendpay.shared;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr for command-line modes: share done, rows, rows/s and ETA,
 * redrawn at most twice a second, so it costs nothing next to the work it reports on.
 */
public final class ConsoleProgress {

    private final PrintStream out;
    private final String label;
    private final long startNanos = System.nanoTime();
    private long lastDraw;

    public ConsoleProgress(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    /** {@code done}/{@code total} drive the bar and the ETA (bytes of the file, say); {@code rows} is what is counted. */
    public void update(long done, long total, long rows) {
        long now = System.nanoTime();
        if (now - lastDraw < 500_000_000L) {
            return;
        }
        lastDraw = now;
        draw(done, total, rows, false);
    }

    public void finish(long rows) {
        draw(1, 1, rows, true);
    }

    private void draw(long done, long total, long rows, boolean last) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        double share = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        int width = 30;
        int filled = (int) Math.round(share * width);
        long eta = share <= 0 ? -1 : Math.round(seconds / share - seconds);
        String bar = "#".repeat(filled) + " ".repeat(width - filled);
        out.printf("\r%s [%s] %5.1f%% %,d rows %,.0f rows/s %s", label, bar, share * 100, rows, rows / seconds,
                last ? String.format("in %s   ", clock(Math.round(seconds))) : "ETA " + (eta < 0 ? "?" : clock(eta)) + "   ");
        if (last) {
            out.println();
        }
        out.flush();
    }

    private static String clock(long s) {
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
