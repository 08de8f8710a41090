package io.vendpay.bench.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One read of {@code /actuator/prometheus}: samples by name, with their labels. */
final class PrometheusScrape {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusScrape(List<Sample> samples) {
        this.samples = samples;
    }

    static PrometheusScrape parse(String text) {
        var list = new ArrayList<Sample>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name;
            Map<String, String> labels = new TreeMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int close = line.lastIndexOf('}', space);
                for (String pair : line.substring(brace + 1, close).split(",(?=[a-zA-Z_]+=\")")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                    }
                }
            } else {
                name = line.substring(0, space).trim();
            }
            try {
                list.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).trim())));
            } catch (NumberFormatException ignored) {
                // NaN markers and the like
            }
        }
        return new PrometheusScrape(list);
    }

    /**
     * The read to count from when the server was restarted in between (bench --chaos): its counters
     * started again at zero, so {@code after - before.across(lastOfKilled)} is what the killed process
     * counted after {@code before} plus everything the new one counted. Counters and histograms only.
     */
    PrometheusScrape across(PrometheusScrape lastOfKilled) {
        var killed = new java.util.HashMap<String, Double>();
        for (Sample x : lastOfKilled.samples) {
            killed.merge(x.name + x.labels, x.value, Double::sum);
        }
        var list = new ArrayList<Sample>(samples.size());
        for (Sample x : samples) {
            list.add(new Sample(x.name, x.labels, x.value - killed.getOrDefault(x.name + x.labels, x.value)));
        }
        return new PrometheusScrape(list);
    }

    /** Sum over all samples of {@code name} whose labels contain {@code match} (key, value pairs). */
    double sum(String name, String... match) {
        double s = 0;
        for (Sample x : samples) {
            if (x.name.equals(name) && matches(x, match)) {
                s += x.value;
            }
        }
        return s;
    }

    double max(String name, String... match) {
        double m = Double.NaN;
        for (Sample x : samples) {
            if (x.name.equals(name) && matches(x, match)) {
                m = Double.isNaN(m) ? x.value : Math.max(m, x.value);
            }
        }
        return m;
    }

    /** Cumulative histogram buckets of {@code base}_bucket summed over labels: upper bound (s) to count. */
    TreeMap<Double, Double> buckets(String base) {
        var b = new TreeMap<Double, Double>();
        for (Sample x : samples) {
            if (x.name.equals(base + "_bucket")) {
                String le = x.labels.get("le");
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                b.merge(bound, x.value, Double::sum);
            }
        }
        return b;
    }

    /**
     * The {@code q} quantile, in ms, of the observations between two reads of a cumulative histogram:
     * the upper bound of the bucket it falls in (a bound, not an interpolation).
     */
    static double quantileMs(TreeMap<Double, Double> before, TreeMap<Double, Double> after, double q) {
        double total = after.lastEntry() == null ? 0 : after.lastEntry().getValue()
                - (before.lastEntry() == null ? 0 : before.lastEntry().getValue());
        if (total <= 0) {
            return Double.NaN;
        }
        for (var e : after.entrySet()) {
            double count = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (count >= q * total) {
                return e.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static boolean matches(Sample s, String[] match) {
        for (int i = 0; i + 1 < match.length; i += 2) {
            if (!match[i + 1].equals(s.labels.get(match[i]))) {
                return false;
            }
        }
        return true;
    }
}
