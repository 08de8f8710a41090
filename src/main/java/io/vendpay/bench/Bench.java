package io.vendpay.bench;

import io.vendpay.bench.internal.BenchCommand;

/** The peak simulator, {@code java -jar vendpay.jar bench ...}: see {@code docs/performance.md}. */
public final class Bench {

    private Bench() {
    }

    public static int run(String[] args) {
        return BenchCommand.run(args);
    }
}
