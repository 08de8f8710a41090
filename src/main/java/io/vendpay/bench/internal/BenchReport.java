package io.vendpay.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes a run's results: the summary for people, the JSON for machines, the charts as one HTML file. */
final class BenchReport {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private BenchReport() {
    }

    /** NaN and infinities have no JSON form: they become null. */
    @SuppressWarnings("unchecked")
    static Object clean(Object v) {
        if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            var out = new LinkedHashMap<String, Object>();
            m.forEach((k, x) -> out.put(String.valueOf(k), clean(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            var out = new ArrayList<Object>();
            l.forEach(x -> out.add(clean(x)));
            return out;
        }
        return v;
    }

    static void json(Map<String, Object> result, Path path) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        Files.writeString(path, JSON.writeValueAsString(clean(result)));
    }

    static String summary(Map<String, Object> r) {
        var b = new StringBuilder();
        r.forEach((k, v) -> {
            if (!k.equals("timeseries") && !k.equals("steps") && !k.equals("profile")) {
                b.append(String.format("  %-42s %s%n", k, JSON.writeValueAsString(clean(v)).replaceAll("\\s+", " ")));
            }
        });
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    static void html(Map<String, Object> result, Path path) throws IOException {
        var series = (List<Map<String, Object>>) result.getOrDefault("timeseries", List.of());
        var page = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><title>vendpay bench</title>
                <style>body{font:14px sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
                table{border-collapse:collapse}td{padding:2px 10px;border-bottom:1px solid #eee;font-family:monospace}
                svg{background:#fafafa;border:1px solid #ddd}.legend span{margin-right:14px}</style></head><body>
                """);
        page.append("<h1>vendpay bench: ").append(esc(String.valueOf(result.get("scenario")))).append(" on ")
                .append(esc(String.valueOf(result.get("store")))).append("</h1><table>");
        result.forEach((k, v) -> {
            if (!k.equals("timeseries") && !k.equals("steps") && !k.equals("profile")) {
                page.append("<tr><td>").append(esc(k)).append("</td><td>")
                        .append(esc(JSON.writeValueAsString(clean(v)).replaceAll("\\s+", " "))).append("</td></tr>");
            }
        });
        page.append("</table>");
        chart(page, "Throughput (orders/s)", series, List.of("offered_per_s", "created_per_s", "completed_per_s"));
        chart(page, "Notification answer latency (ms, per second)", series, List.of("notify_ack_p50_ms", "notify_ack_p99_ms"));
        chart(page, "Backlog (tasks queued in the server's pools; orders not final)", series, List.of("backlog", "open_orders"));
        chart(page, "Database pool", series, List.of("pool_active", "pool_pending"));
        chart(page, "Server heap (MB)", series, List.of("heap_mb"));
        if (result.get("profile") instanceof Map<?, ?> profile) {
            page.append("<h2>Where the server's CPU went (flight recording of the measured window)</h2>");
            for (String table : List.of("cpu_share_by_thread_pool", "sample_share_by_step", "hottest_methods_inclusive",
                    "hottest_methods_self")) {
                if (profile.get(table) instanceof Map<?, ?> rows) {
                    page.append("<h3>").append(esc(table.replace('_', ' '))).append(" (%)</h3><table>");
                    rows.forEach((k, v) -> page.append("<tr><td>").append(esc(String.valueOf(k))).append("</td><td>")
                            .append(esc(String.valueOf(v))).append("</td></tr>"));
                    page.append("</table>");
                }
            }
        }
        page.append("</body></html>\n");
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        Files.writeString(path, page.toString());
    }

    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};

    private static void chart(StringBuilder page, String title, List<Map<String, Object>> series, List<String> keys) {
        int w = 900;
        int h = 220;
        double tMax = 1;
        double yMax = 1;
        for (var p : series) {
            tMax = Math.max(tMax, num(p.get("t")));
            for (String k : keys) {
                yMax = Math.max(yMax, num(p.get(k)));
            }
        }
        page.append("<h2>").append(esc(title)).append("</h2><div class=legend>");
        for (int i = 0; i < keys.size(); i++) {
            page.append("<span style=\"color:").append(COLOURS[i]).append("\">&#9632; ").append(esc(keys.get(i))).append("</span>");
        }
        page.append("</div><svg width=\"").append(w + 60).append("\" height=\"").append(h + 30).append("\">");
        page.append(String.format("<text x=\"2\" y=\"12\" font-size=\"11\">%.0f</text><text x=\"2\" y=\"%d\" font-size=\"11\">0</text>", yMax, h));
        page.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"11\">%.0f s</text>", w, h + 20, tMax));
        for (int i = 0; i < keys.size(); i++) {
            var pts = new StringBuilder();
            for (var p : series) {
                double v = num(p.get(keys.get(i)));
                if (Double.isNaN(v)) {
                    continue;
                }
                pts.append(String.format("%.1f,%.1f ", 50 + num(p.get("t")) / tMax * w, h - Math.min(v, yMax) / yMax * (h - 10)));
            }
            page.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(COLOURS[i]).append("\" points=\"")
                    .append(pts).append("\"/>");
        }
        page.append("</svg>");
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
