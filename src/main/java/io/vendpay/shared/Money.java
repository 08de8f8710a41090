package io.vendpay.shared;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * Fen inside, yuan strings at the edges. WeChat's API speaks fen; Alipay and both channels' bills
 * speak yuan with two decimals ("3.50"). Conversions go through exact decimal arithmetic: the classic
 * bugs (19.90 → 1989, 9.8 × 100 = 980.0000000000001) cannot happen here.
 */
public final class Money {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    /** What a channel writes for money it moved: digits, at most two decimals; no sign, no exponent, no spaces. */
    private static final Pattern PLAIN_YUAN = Pattern.compile("(0|[1-9][0-9]{0,9})(\\.[0-9]{1,2})?");

    private Money() {
    }

    /** 350 → "3.50". */
    public static String yuan(long fen) {
        return BigDecimal.valueOf(fen).divide(HUNDRED, 2, RoundingMode.UNNECESSARY).toPlainString();
    }

    /**
     * "3.50" → 350, "3.5" → 350, "-1.00" → -100. A value with more than two decimals, or that is not a
     * number, throws {@link NumberFormatException}: an amount is never guessed.
     */
    public static long fenOf(String yuan) {
        if (yuan == null || yuan.isBlank()) {
            throw new NumberFormatException("empty amount");
        }
        BigDecimal v = new BigDecimal(yuan.trim());
        try {
            return v.multiply(HUNDRED).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw new NumberFormatException("amount " + yuan + " is not a whole number of fen");
        }
    }

    /**
     * An amount a channel says it moved (a payment's total, a refund's amount): "3.50" → 350. Anything but
     * plain digits with at most two decimals ("-3.50", "+1", "1e2", " 3.5", "3.501") and anything not above
     * zero ("0.00") throws {@link NumberFormatException}. Such an amount is refused, never paid out or refunded.
     */
    public static long positiveFenOf(String yuan) {
        if (yuan == null || !PLAIN_YUAN.matcher(yuan).matches()) {
            throw new NumberFormatException("amount \"" + clip(yuan) + "\" is not plain yuan digits with at most two decimals");
        }
        long fen = fenOf(yuan);
        if (fen <= 0) {
            throw new NumberFormatException("amount " + yuan + " is not above zero");
        }
        return fen;
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 24 ? s.substring(0, 24) + "..." : s;
    }
}
