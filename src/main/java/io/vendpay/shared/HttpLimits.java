package io.vendpay.shared;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bounds on what a client may send to the APIs before vendpay has decided anything about it (issue 9).
 * Tomcat's own limits (headers, connections, timeouts) are the {@code server.*} keys in application.yml.
 *
 * @param notifyBodyLimit  the payment channels' notify endpoints: a real notification is 1 to 3 KB
 * @param deviceBodyLimit  the device API: an order request is about 100 bytes
 * @param adminBodyLimit   the operator API: a device with a few hundred slots fits with room to spare; bills are
 *                         reconciled from a file on the server ({@code POST /api/v1/admin/reconciliations} names it),
 *                         never uploaded through this API
 * @param bodyReadTimeout  the whole body must have arrived within this, counted from the end of the headers;
 *                         otherwise 408. The body is read without holding a thread, so this bounds memory and
 *                         connections, not threads.
 * @param bodyBufferBudget heap all request bodies being read or processed at once may hold (each counts its
 *                         declared length, or what a chunked body has grown to); a body that does not fit is
 *                         shed as load. 32 MB is 500 notifications at the 64 KB limit, or 10,000 real ones.
 */
@ConfigurationProperties("vendpay.http")
public record HttpLimits(
        @DefaultValue("64KB") DataSize notifyBodyLimit,
        @DefaultValue("16KB") DataSize deviceBodyLimit,
        @DefaultValue("256KB") DataSize adminBodyLimit,
        @DefaultValue("10s") Duration bodyReadTimeout,
        @DefaultValue("32MB") DataSize bodyBufferBudget) {
}
