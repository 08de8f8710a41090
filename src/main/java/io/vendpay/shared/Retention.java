package io.vendpay.shared;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes rows older than a table's retention, oldest first, in small batches: each batch names its
 * rows by primary key in a statement of its own (a short transaction that locks those rows and no
 * range), with a pause between batches and a ceiling per run, so the inserts of the hot path never
 * wait on it and a first run on a large table spreads over several runs.
 */
public final class Retention {

    /** Rows per batch, the pause after each, and the most rows one run removes from a table. */
    public static final int BATCH = 500;
    static final long PAUSE_MS = 20;
    public static final int MAX_PER_RUN = 50_000;

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private Retention() {
    }

    /** A row as the page reads it: its key, its age's timestamp (epoch ms), whether it may go. */
    public record Row(Object key, long at, boolean removable) {
    }

    /**
     * @param table  the table, for the one line a run that removed something logs
     * @param keep   the table's retention; zero or negative keeps everything
     * @param page   the next {@link #BATCH} rows in age order after the given key ({@code null}: from the oldest)
     * @param delete removes the given keys
     * @return rows removed
     */
    public static long purge(String table, Duration keep, Function<Object, List<Row>> page, Consumer<List<Object>> delete) {
        if (keep == null || keep.isZero() || keep.isNegative()) {
            return 0;
        }
        long removed = removeOld(keep, page, delete);
        if (removed > 0) {
            log.info("event=retention.purged table={} rows={} older_than={}", table, removed, keep);
        }
        return removed;
    }

    private static long removeOld(Duration keep, Function<Object, List<Row>> page, Consumer<List<Object>> delete) {
        long cutoff = System.currentTimeMillis() - keep.toMillis();
        long removed = 0;
        Object after = null;
        while (removed < MAX_PER_RUN) {
            List<Row> rows = page.apply(after);
            List<Object> old = new ArrayList<>();
            boolean reachedYoung = false;
            for (Row r : rows) {
                if (r.at() >= cutoff) {
                    reachedYoung = true;
                    break;
                }
                after = r.key();
                if (r.removable()) {
                    old.add(r.key());
                }
            }
            if (!old.isEmpty()) {
                delete.accept(old);
                removed += old.size();
            }
            if (reachedYoung || rows.size() < BATCH) {
                return removed;
            }
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return removed;
            }
        }
        return removed;
    }

    /** {@code ?, ?, ?} for {@code n} values. */
    public static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
