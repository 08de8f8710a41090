package io.vendpay.shared;

/**
 * Text that came from outside (a machine's JSON, a channel's field) made safe for one {@code key="value"} log
 * line: clipped, quotes and backslashes escaped, control characters (a newline would forge a second line)
 * written as {@code \\uXXXX}.
 */
public final class LogText {

    private static final int MAX = 80;

    private LogText() {
    }

    public static String of(String s) {
        if (s == null) {
            return "null";
        }
        String clipped = s.length() > MAX ? s.substring(0, MAX) + "...(" + s.length() + " chars)" : s;
        return ErrorResponses.escape(clipped);
    }
}
