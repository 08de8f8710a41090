package io.vendpay.payment.internal.wechat;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.payment.internal.ChannelNotification;
import io.vendpay.payment.internal.NotificationProcessor;
import io.vendpay.payment.internal.NotifyMetrics;
import io.vendpay.payment.internal.PaymentProperties;
import io.vendpay.shared.BoundedBodyFilter;
import io.vendpay.shared.Failures;
import io.vendpay.shared.LoadShedder;
import io.vendpay.shared.StoreFailures;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * WeChat Pay notify endpoints (contract section 4). The answer depends only on verification and
 * on the notification being durably stored: 200 once stored (or already stored), 4xx when it
 * fails verification, 5xx when it could not be stored. The payment is applied in the storing transaction
 * ({@link NotificationProcessor#receive}: database work only); the answer never waits for MQTT, the
 * channel or any other order. The body is the
 * raw bytes WeChat signed, read by {@link BoundedBodyFilter} (at most 64 KB, without a thread), whatever
 * Content-Type it came with: the signature decides, not a message converter.
 */
@RestController
@ConditionalOnProperty(prefix = "vendpay.channels.wechat", name = "enabled", havingValue = "true")
class WechatNotifyController {

    private static final Logger log = LoggerFactory.getLogger(WechatNotifyController.class);

    private final WechatNotificationVerifier verifier;
    private final NotificationProcessor processor;
    private final NotifyMetrics metrics;
    private final LoadShedder admission;
    private final StoreFailures storeFailures;

    WechatNotifyController(WechatNotificationVerifier verifier, NotificationProcessor processor, NotifyMetrics metrics, PaymentProperties props,
                           MeterRegistry meters, StoreFailures storeFailures) {
        this.storeFailures = storeFailures;
        this.verifier = verifier;
        this.processor = processor;
        this.metrics = metrics;
        this.admission = new LoadShedder("wechat_notify", props.notifyConcurrency(), props.notifyMaxWait().toMillis(), meters);
    }

    @PostMapping(WechatProperties.NOTIFY_PATH)
    ResponseEntity<Map<String, String>> payment(@RequestHeader HttpHeaders headers, HttpServletRequest request) {
        return accept(headers, BoundedBodyFilter.body(request), false);
    }

    @PostMapping(WechatProperties.REFUND_NOTIFY_PATH)
    ResponseEntity<Map<String, String>> refund(@RequestHeader HttpHeaders headers, HttpServletRequest request) {
        return accept(headers, BoundedBodyFilter.body(request), true);
    }

    private ResponseEntity<Map<String, String>> accept(HttpHeaders headers, byte[] body, boolean refund) {
        long start = System.nanoTime();
        String kind = refund ? "refund" : "payment";
        if (!admission.tryEnter()) {
            metrics.record("WECHAT", kind, "shed", start);
            return fail(503, "OVERLOADED", "busy; retry");
        }
        try {
            ChannelNotification n = verifier.verify(headers, body, refund, System.currentTimeMillis());
            var stored = processor.receive(n, System.currentTimeMillis());
            metrics.record("WECHAT", kind, stored.isPresent() ? "stored" : "duplicate", start);
            return ResponseEntity.ok().build();
        } catch (WechatNotificationVerifier.Refusal r) {
            metrics.record("WECHAT", kind, "refused", start);
            log.warn("event=notify.refused channel=WECHAT kind={} reason={} detail=\"{}\"", kind, r.reason, r.getMessage());
            return fail(r.status, r.reason, r.getMessage());
        } catch (RuntimeException e) {
            // not stored, so never 2xx: a 5xx makes WeChat re-send it on its schedule (contract section 4)
            if (StoreFailures.isUnavailable(e)) {
                metrics.record("WECHAT", kind, "store_unavailable", start);
                storeFailures.report("wechat_notify", e);
                return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, StoreFailures.RETRY_AFTER_SECONDS)
                        .body(failure(StoreFailures.CODE, "store unavailable, notification not stored; retry"));
            }
            if (!(e instanceof DataAccessException) && !StoreFailures.isBusy(e)) {
                throw e;
            }
            metrics.record("WECHAT", kind, "error", start);
            log.error("event=notify.store_failed channel=WECHAT kind={} error=\"{}\"", kind, Failures.rootMessage(e));
            return fail(500, "STORE_FAILED", "could not store the notification; retry");
        } finally {
            admission.exit();
        }
    }

    /** WeChat's failure answer; {@code reason} is vendpay's stable code for what failed. */
    private static ResponseEntity<Map<String, String>> fail(int status, String reason, String message) {
        return ResponseEntity.status(status).body(failure(reason, message));
    }

    private static Map<String, String> failure(String reason, String message) {
        return Map.of("code", "FAIL", "message", message, "reason", reason);
    }
}
