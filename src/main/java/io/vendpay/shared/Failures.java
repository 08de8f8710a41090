package io.vendpay.shared;

/** Words for a failure a person will read: the innermost cause, on one line. */
public final class Failures {

    private Failures() {
    }

    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m == null) {
            return t.getClass().getSimpleName();
        }
        int cut = m.indexOf('\n');
        return t.getClass().getSimpleName() + ": " + (cut > 0 ? m.substring(0, cut) : m);
    }
}
