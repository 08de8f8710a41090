package io.vendpay.shared;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Wire times. WeChat Pay and Alipay live in China Standard Time: their {@code time_expire},
 * notification times and daily bills are all +08:00, so vendpay writes RFC 3339 times with that
 * offset and cuts business days at Beijing midnight, whatever zone the server runs in.
 */
public final class ChinaTime {

    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private ChinaTime() {
    }

    public static String rfc3339(long epochMillis) {
        return RFC3339.format(Instant.ofEpochMilli(epochMillis).atZone(ZONE));
    }

    public static String rfc3339OrNull(Long epochMillis) {
        return epochMillis == null ? null : rfc3339(epochMillis);
    }

    /** Start of {@code date} in Beijing, epoch ms. */
    public static long startOfDay(LocalDate date) {
        return date.atStartOfDay(ZONE).toInstant().toEpochMilli();
    }
}
