package io.vendpay.bench.internal;

import java.time.Duration;

/**
 * A named, reproducible load profile: how many machines, how fast each sells over the run, and
 * how customers, channels and machines misbehave. Rates are per machine per second.
 */
record Scenario(
        String name,
        int machines,
        Duration duration,
        double baseRatePerMachine,
        double peakMultiplier,
        Shape shape,
        double duplicateShare,
        double dispenseFailureShare,
        double offlineShare,
        double neverPayShare,
        double lostNotificationShare,
        double alipayShare) {

    /** The rate multiplier (1 = base) at a fraction {@code x} of the run. */
    interface Shape {
        double at(double x, double peak);
    }

    /** Base, ramp up, a long peak window, ramp down, base: 15 % / 10 % / 50 % / 10 % / 15 % of the run. */
    static final Shape LUNCH = (x, peak) -> {
        if (x < 0.15 || x >= 0.85) {
            return 1;
        }
        if (x < 0.25) {
            return 1 + (peak - 1) * (x - 0.15) / 0.10;
        }
        if (x < 0.75) {
            return peak;
        }
        return peak - (peak - 1) * (x - 0.75) / 0.10;
    };

    /**
     * The founding story's day compressed into the run: the fleet's three rushes at the times of day
     * they happened (lunch 11:00-12:30, dinner 17:30-18:00, late night 21:00-24:00), quiet elsewhere.
     */
    static final Shape DAY = (x, peak) -> {
        double hour = x * 24;
        boolean rush = (hour >= 11 && hour < 12.5) || (hour >= 17.5 && hour < 18) || hour >= 21;
        return rush ? peak : 1;
    };

    /** A constant rate for the whole run (bench --rate): the cost of an order below the knee, with nothing queued. */
    static final Shape FLAT = (x, peak) -> 1;

    /**
     * How often the bench scrapes {@code /actuator/prometheus} for its time series: every 5 s. One
     * scrape costs the server about 25 ms of CPU (measured); at one a second that was 2.5 % of a core
     * and, at 100 orders/s, 0.25 ms of every order's bill, more than a production Prometheus (15 s or
     * slower) ever charges it.
     */
    Duration scrapeEvery() {
        return Duration.ofSeconds(5);
    }

    boolean inPeak(double x) {
        if (shape == FLAT) {
            return true;
        }
        return shape == LUNCH ? x >= 0.25 && x < 0.75 : DAY.at(x, 2) > 1;
    }

    static Scenario of(BenchOptions o) {
        if (o.rate() != null) {
            // the scenario's misbehaviour at one constant rate; 10 machines per order/s (each sells every 10 s)
            int machines = o.machines() != null ? o.machines() : Math.max(100, (int) Math.ceil(o.rate() * 10));
            Scenario base = of(o.withoutRate());
            return new Scenario(base.name() + " at " + BenchRun.round(o.rate()) + "/s", machines,
                    o.duration() == null ? Duration.ofSeconds(120) : o.duration(), o.rate() / machines, 1, FLAT,
                    base.duplicateShare(), base.dispenseFailureShare(), base.offlineShare(), base.neverPayShare(),
                    base.lostNotificationShare(), base.alipayShare());
        }
        return switch (o.scenario()) {
            // The fleet of the founding story: 600 machines, each selling a few times an hour and
            // peakMultiplier times as often in its three rushes.
            // 600 s by default: over a 2-minute run a fresh JVM's compilation dominates its CPU share.
            case "incident" -> new Scenario("incident", o.machines() == null ? 600 : o.machines(),
                    o.duration() == null ? Duration.ofSeconds(600) : o.duration(),
                    2.0 / 3600, o.peakMultiplier(), DAY, 0.30, 0.02, 0.01, 0.01, 0.01, 0.3);
            // Sized for the targets: 20000 machines at 0.01 orders/s each is 200/s, 2000/s at the x10 peak.
            case "lunch-rush" -> new Scenario("lunch-rush", o.machines() == null ? 20_000 : o.machines(),
                    o.duration() == null ? Duration.ofSeconds(120) : o.duration(),
                    0.01, o.peakMultiplier(), LUNCH, 0.30, 0.02, 0.01, 0.01, 0.01, 0.3);
            default -> throw new IllegalArgumentException("no scenario " + o.scenario());
        };
    }

    /** Orders per second for the whole fleet at fraction {@code x} of the run. */
    double fleetRate(double x) {
        return machines * baseRatePerMachine * shape.at(x, peakMultiplier);
    }

    Scenario withMachines(int n, Duration d) {
        return new Scenario(name, n, d, baseRatePerMachine, peakMultiplier, shape, duplicateShare, dispenseFailureShare,
                offlineShare, neverPayShare, lostNotificationShare, alipayShare);
    }
}
