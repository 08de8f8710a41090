package io.vendpay.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded generators of hostile values: each input of the fuzz suite is drawn from one
 * {@link SplittableRandom} seeded from the run's seed and the input's number, so a failure names the
 * seed that reproduces it ({@code -Dvendpay.fuzz.seed=...}).
 */
final class Hostile {

    private final SplittableRandom r;

    Hostile(long seed) {
        this.r = new SplittableRandom(seed);
    }

    int below(int n) {
        return r.nextInt(n);
    }

    boolean chance(int percent) {
        return r.nextInt(100) < percent;
    }

    <T> T oneOf(List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    @SafeVarargs
    final <T> T oneOf(T... values) {
        return values[r.nextInt(values.length)];
    }

    /** Text that breaks parsers, columns and log lines: long, control characters, quotes, non-BMP, broken surrogates. */
    String text() {
        return switch (r.nextInt(14)) {
            case 0 -> "";
            case 1 -> " ";
            case 2 -> "x".repeat(1 + r.nextInt(3000));
            case 3 -> "\u0000";
            case 4 -> "a\"b\\c";
            case 5 -> "\r\nX-Injected: 1";
            case 6 -> "😀".repeat(1 + r.nextInt(40));
            case 7 -> "\ud800";
            case 8 -> "${jndi:ldap://127.0.0.1/x}";
            case 9 -> "' OR '1'='1";
            case 10 -> "<script>alert(1)</script>";
            case 11 -> "%00%ZZ%";
            case 12 -> "可口可乐".repeat(1 + r.nextInt(100));
            default -> ascii(1 + r.nextInt(80));
        };
    }

    String ascii(int length) {
        var b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) (0x20 + r.nextInt(0x5f)));
        }
        return b.toString();
    }

    /** A JSON token that is not a plain small integer. */
    String notAnInteger() {
        return oneOf("350.9", "3.5e2", "\"350\"", "-1", "0", "true", "null", "[]", "{}", "1e400", "-0", "9223372036854775808",
                "2147483648", "-9223372036854775809", "\"\"", "NaN", "Infinity", "0x10", "01", "1.0");
    }

    /** Any JSON token, well-formed or not. */
    String jsonValue() {
        return switch (r.nextInt(10)) {
            case 0 -> notAnInteger();
            case 1 -> "\"" + jsonEscape(text()) + "\"";
            case 2 -> "[" + "[".repeat(r.nextInt(3)) + "1" + "]".repeat(r.nextInt(3)) + "]";
            case 3 -> "{\"a\":" + "{\"a\":".repeat(r.nextInt(5)) + "1" + "}".repeat(r.nextInt(6)) + "}";
            case 4 -> "[" + "[".repeat(2000 + r.nextInt(3000)) + "]".repeat(r.nextInt(10));
            case 5 -> Long.toString(r.nextLong());
            case 6 -> "\"" + ascii(r.nextInt(5)) + "\\u";
            case 7 -> "tru";
            case 8 -> "\"" + "x".repeat(70_000) + "\"";
            default -> Integer.toString(r.nextInt(1000));
        };
    }

    /** Bytes that are JSON-ish garbage: truncated, binary, BOMs, comments, duplicate keys. */
    byte[] junkBody(String sample) {
        return switch (r.nextInt(9)) {
            case 0 -> new byte[0];
            case 1 -> sample.substring(0, r.nextInt(Math.max(1, sample.length()))).getBytes(StandardCharsets.UTF_8);
            case 2 -> randomBytes(1 + r.nextInt(4000));
            case 3 -> ("\uFEFF" + sample).getBytes(StandardCharsets.UTF_8);
            case 4 -> ("/*x*/" + sample).getBytes(StandardCharsets.UTF_8);
            case 5 -> sample.replaceFirst("\\{", java.util.regex.Matcher.quoteReplacement("{\"a\":1,\"a\":2,")).getBytes(StandardCharsets.UTF_8);
            case 6 -> jsonValue().getBytes(StandardCharsets.UTF_8);
            case 7 -> sample.getBytes(StandardCharsets.UTF_16);
            default -> (sample + sample).getBytes(StandardCharsets.UTF_8);
        };
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** A Content-Type a client may send: wildcards, wrong types, broken parameters. */
    String contentType() {
        return oneOf("*/*", "application/*", "text/*", "text/plain", "text/html", "application/xml", "multipart/form-data; boundary=x",
                "multipart/form-data", "application/json; charset=GBK", "application/json; charset=nope", "application/json;;;",
                "application/x-www-form-urlencoded", "application/octet-stream", "", "garbage", "application/json; boundary=\"",
                "application/JSON", "image/png");
    }

    /** An Accept header a client may send. */
    String accept() {
        return oneOf("text/html", "application/xml", "*/*;q=0", "image/png", "garbage/", "application/json;q=0, text/html",
                "text/plain", "", ";;;", "application/json");
    }

    /** A path segment as a client may write it, raw: bad percent-encoding, dots, encoded slashes, long. */
    String pathSegment() {
        return switch (r.nextInt(11)) {
            case 0 -> "%ZZ";
            case 1 -> "%";
            case 2 -> "..";
            case 3 -> "%2e%2e%2f";
            case 4 -> "a%2Fb";
            case 5 -> "x".repeat(40 + r.nextInt(3000));
            case 6 -> "%00";
            case 7 -> "%F0%9F%98%80";
            case 8 -> "a;b=c";
            case 9 -> "%C0%AF";
            default -> urlEncode(ascii(1 + r.nextInt(40)));
        };
    }

    static String urlEncode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String jsonEscape(String s) {
        return io.vendpay.shared.ErrorResponses.escape(s);
    }
}
