package io.vendpay.reconcile.internal;

/** How far a run is: written by the run every few thousand lines, read by the progress bar and the operator API. */
public final class RunProgress {

    public volatile String phase = "STARTING";
    public volatile long rows;
    public volatile long fileBytesRead;
    public volatile long fileSize;
    public volatile String error;
    public final long startedAt = System.currentTimeMillis();
    final long startedNanos = System.nanoTime();
    volatile long rowsAtStart;

    /** Lines per second landed by this run (a resumed run counts from where it resumed). */
    public double rowsPerSecond() {
        double s = (System.nanoTime() - startedNanos) / 1e9;
        return s <= 0 ? 0 : (rows - rowsAtStart) / s;
    }

    /** Seconds left while landing, from the share of the file read so far; -1 when unknown. */
    public long etaSeconds() {
        if (!"LANDING".equals(phase) || fileBytesRead <= 0 || fileSize <= 0) {
            return -1;
        }
        double s = (System.nanoTime() - startedNanos) / 1e9;
        double share = Math.min(1.0, (double) fileBytesRead / fileSize);
        return Math.round(s / share - s);
    }
}
