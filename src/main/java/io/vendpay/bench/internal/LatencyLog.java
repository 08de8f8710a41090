package io.vendpay.bench.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every latency of one kind, in ms, for exact percentiles at the end of a run. */
final class LatencyLog {

    private long[] values = new long[4096];
    private int size;

    synchronized void add(long ms) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = ms;
    }

    synchronized void clear() {
        size = 0;
    }

    synchronized Map<String, Object> percentiles() {
        long[] v = Arrays.copyOf(values, size);
        Arrays.sort(v);
        var m = new LinkedHashMap<String, Object>();
        m.put("count", v.length);
        if (v.length > 0) {
            m.put("p50", at(v, 0.50));
            m.put("p99", at(v, 0.99));
            m.put("max", v[v.length - 1]);
        }
        return m;
    }

    private static long at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
    }
}
