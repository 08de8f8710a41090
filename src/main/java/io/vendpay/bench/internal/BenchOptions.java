package io.vendpay.bench.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bench --scenario NAME [--store h2|mariadb] [--machines N] [--duration 120s] [--peak-multiplier 10]
 * [--rate R] [--seed S] [--json PATH] [--html PATH] [--target URL --admin-token T] [--find-capacity] [--chaos kill-server-at=60s]}, plus any
 * {@code --spring.datasource.*} to pass to a server the bench starts itself.
 */
record BenchOptions(
        String scenario,
        String store,
        Integer machines,
        Duration duration,
        Duration warmup,
        double peakMultiplier,
        long seed,
        Path json,
        Path html,
        String target,
        String adminToken,
        String mqttUrl,
        String mqttUsername,
        String mqttPassword,
        boolean findCapacity,
        Path jfr,
        Duration chaosKillAt,
        boolean embeddedBroker,
        Double rate,
        Map<String, String> springProperties) {

    static final String USAGE = """
            usage: java -jar vendpay.jar bench --scenario incident|lunch-rush [options]
              --store h2|mariadb       the store of the server the bench starts (default h2)
              --machines N             fleet size (incident: 600; lunch-rush: 20000)
              --duration 120s          load duration (drain and audit come after; incident: 600s)
              --warmup 30s             base-rate load first, not measured (a fresh JVM spends its first
                                       minute compiling; production servers are warm); audited like the rest
              --peak-multiplier 10     peak rate / base rate
              --rate R                 instead of the scenario's shape, R orders/s for the whole run (e.g. 100, below
                                       the knee: the cost of an order with nothing queued); machines default to 10 R
              --seed S                 random seed (default 42): same seed, same load
              --json PATH              write the results as JSON
              --html PATH              write the charts (default: next to --json, .html)
              --target URL             run against an already running server instead of starting one (its
                                       vendpay.http.admin-body-limit must hold the audit: ~25 bytes per paid order)
              --admin-token T          its operator token (or VENDPAY_ADMIN_TOKEN)
              --mqtt-url URL           its broker (default tcp://127.0.0.1:1883)
              --broker embedded        the server the bench starts runs its embedded broker on a free port, even
                                       when an MQTT broker listens on 1883 (default: that broker when it listens)
              --mqtt-username U --mqtt-password P
                                       the broker account the bench drives many machines with (the embedded broker's
                                       vendpay.mqtt.simulator-username/password; none for an anonymous broker)
              --find-capacity          lunch-rush: grow the fleet until notify-ack p99 > 100 ms or the audit fails
              --jfr PATH               record a Java Flight Recording of the server it starts (profile)
              --chaos kill-server-at=60s
                                       kill -9 the server the bench started that far into the measured load, start it
                                       again on the same data, keep offering load, drain and audit; the report says how
                                       long it was out and the backlog it cleared
              --spring.datasource.url=... (and username/password): MariaDB for --store mariadb
            """;

    static BenchOptions parse(String[] args) {
        Map<String, String> named = new LinkedHashMap<>();
        Map<String, String> spring = new LinkedHashMap<>();
        boolean findCapacity = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (key.equals("find-capacity")) {
                findCapacity = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                value = args[++i];
            }
            if (key.startsWith("spring.")) {
                spring.put(key, value);
            } else {
                named.put(key, value);
            }
        }
        String scenario = named.remove("scenario");
        if (scenario == null || !(scenario.equals("incident") || scenario.equals("lunch-rush"))) {
            throw new IllegalArgumentException("--scenario must be incident or lunch-rush");
        }
        String store = named.getOrDefault("store", "h2");
        named.remove("store");
        if (!store.equals("h2") && !store.equals("mariadb")) {
            throw new IllegalArgumentException("--store must be h2 or mariadb");
        }
        Integer machines = named.containsKey("machines") ? Integer.valueOf(named.remove("machines")) : null;
        // unset (null): the scenario's own length
        Duration duration = named.containsKey("duration") ? parseDuration(named.remove("duration")) : null;
        Duration warmup = parseDuration(named.getOrDefault("warmup", "30s"));
        named.remove("warmup");
        double multiplier = Double.parseDouble(named.getOrDefault("peak-multiplier", "10"));
        named.remove("peak-multiplier");
        long seed = Long.parseLong(named.getOrDefault("seed", "42"));
        named.remove("seed");
        Path json = named.containsKey("json") ? Path.of(named.remove("json")) : null;
        Path html = named.containsKey("html") ? Path.of(named.remove("html"))
                : json == null ? null : Path.of(json.toString().replaceAll("\\.json$", "") + ".html");
        String target = named.remove("target");
        String token = named.containsKey("admin-token") ? named.remove("admin-token") : System.getenv("VENDPAY_ADMIN_TOKEN");
        String mqttUrl = named.containsKey("mqtt-url") ? named.remove("mqtt-url") : "tcp://127.0.0.1:1883";
        String mqttUser = named.remove("mqtt-username");
        String mqttPassword = named.remove("mqtt-password");
        Double rate = named.containsKey("rate") ? Double.valueOf(named.remove("rate")) : null;
        if (rate != null && !(rate > 0 && rate <= 100_000)) {
            throw new IllegalArgumentException("--rate must be between 0 and 100000 orders/s");
        }
        String broker = named.remove("broker");
        if (broker != null && !broker.equals("embedded")) {
            throw new IllegalArgumentException("--broker takes embedded");
        }
        if (broker != null && target != null) {
            throw new IllegalArgumentException("--broker embedded is for the server the bench starts itself, not with --target");
        }
        Path jfr = named.containsKey("jfr") ? Path.of(named.remove("jfr")).toAbsolutePath() : null;
        Duration chaosKillAt = null;
        String chaos = named.remove("chaos");
        if (chaos != null) {
            if (!chaos.startsWith("kill-server-at=")) {
                throw new IllegalArgumentException("--chaos takes kill-server-at=<duration>, e.g. --chaos kill-server-at=60s");
            }
            chaosKillAt = parseDuration(chaos.substring("kill-server-at=".length()));
        }
        if (!named.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", named.keySet()));
        }
        if (target != null && (token == null || token.isBlank())) {
            throw new IllegalArgumentException("--target needs the server's operator token: --admin-token T or VENDPAY_ADMIN_TOKEN");
        }
        if (chaosKillAt != null && (target != null || findCapacity)) {
            throw new IllegalArgumentException("--chaos kills the server the bench starts itself: not with --target or --find-capacity");
        }
        if (rate != null && findCapacity) {
            throw new IllegalArgumentException("--rate fixes the load; --find-capacity searches for it: one or the other");
        }
        if (findCapacity && !scenario.equals("lunch-rush")) {
            throw new IllegalArgumentException("--find-capacity goes with --scenario lunch-rush");
        }
        if (machines != null && machines < 1) {
            throw new IllegalArgumentException("--machines must be at least 1");
        }
        return new BenchOptions(scenario, store, machines, duration, warmup, multiplier, seed, json, html, target, token, mqttUrl, mqttUser,
                mqttPassword, findCapacity, jfr, chaosKillAt, broker != null, rate, spring);
    }

    BenchOptions withoutRate() {
        return new BenchOptions(scenario, store, machines, duration, warmup, peakMultiplier, seed, json, html, target, adminToken, mqttUrl,
                mqttUsername, mqttPassword, findCapacity, jfr, chaosKillAt, embeddedBroker, null, springProperties);
    }

    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        if (t.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(t));
    }
}
