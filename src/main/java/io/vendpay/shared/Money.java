package io.vendpay.shared;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Fen inside, yuan strings at the edges. WeChat's API speaks fen; Alipay and both channels' bills
 * speak yuan with two decimals ("3.50"). Conversions go through exact decimal arithmetic: the classic
 * bugs (19.90 → 1989, 9.8 × 100 = 980.0000000000001) cannot happen here.
 */
public final class Money {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

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
}
