package io.vendpay.shared;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Order numbers: 64-bit ids made of milliseconds since 2024-01-01 (41 bits), a node number
 * (10 bits) and a per-millisecond sequence (12 bits), written as "V" + 19 decimal digits.
 * Sortable by creation time, unique forever across up to 1024 nodes without coordination,
 * and within WeChat's and Alipay's out_trade_no alphabets and lengths.
 */
public final class Ids {

    private static final long EPOCH = 1704067200000L;
    private final long node;
    private final AtomicLong last = new AtomicLong();

    public Ids(int node) {
        if (node < 0 || node > 1023) {
            throw new IllegalArgumentException("vendpay.node-id must be within 0..1023, was " + node);
        }
        this.node = node;
    }

    public String nextOrderNo() {
        String digits = Long.toString(next());     // not String.format: a Formatter per order showed in the profile
        return "V" + "0".repeat(19 - digits.length()) + digits;
    }

    long next() {
        while (true) {
            long prev = last.get();
            long now = System.currentTimeMillis() - EPOCH;
            long prevMillis = prev >>> 12;
            long candidate = now > prevMillis ? (now << 12) : prev + 1;
            if (last.compareAndSet(prev, candidate)) {
                long millis = candidate >>> 12;
                long seq = candidate & 0xFFF;
                return (millis << 22) | (node << 12) | seq;
            }
        }
    }
}
