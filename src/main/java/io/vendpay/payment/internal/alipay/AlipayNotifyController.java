package io.vendpay.payment.internal.alipay;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Alipay's notify endpoint (contract section 4): the plain text {@code success} only once the
 * notification is verified and durably stored; anything else makes Alipay re-send it on its
 * schedule. It is applied in the storing transaction ({@link NotificationProcessor#receive}). The form is parsed by
 * {@link AlipayForm} from the bytes {@link BoundedBodyFilter} read (at most 64 KB, without a thread), in
 * the charset Alipay encoded it in; the servlet container's parameter parsing is never used.
 */
@RestController
@ConditionalOnProperty(prefix = "vendpay.channels.alipay", name = "enabled", havingValue = "true")
class AlipayNotifyController {

    private static final Logger log = LoggerFactory.getLogger(AlipayNotifyController.class);

    private final AlipayNotificationVerifier verifier;
    private final NotificationProcessor processor;
    private final NotifyMetrics metrics;
    private final LoadShedder admission;
    private final StoreFailures storeFailures;

    AlipayNotifyController(AlipayNotificationVerifier verifier, NotificationProcessor processor,
                           NotifyMetrics metrics, PaymentProperties props, MeterRegistry meters, StoreFailures storeFailures) {
        this.storeFailures = storeFailures;
        this.verifier = verifier;
        this.processor = processor;
        this.metrics = metrics;
        this.admission = new LoadShedder("alipay_notify", props.notifyConcurrency(), props.notifyMaxWait().toMillis(), meters);
    }

    @PostMapping(path = AlipayProperties.NOTIFY_PATH, produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> notify(HttpServletRequest request) {
        long start = System.nanoTime();
        if (!admission.tryEnter()) {
            metrics.record("ALIPAY", "payment", "shed", start);
            return ResponseEntity.status(503).body("fail");
        }
        try {
            Map<String, String> params = AlipayForm.parse(request.getContentType(), BoundedBodyFilter.body(request));
            var n = verifier.verify(params, System.currentTimeMillis());
            var stored = processor.receive(n, System.currentTimeMillis());
            metrics.record("ALIPAY", n.isRefundEvent() ? "refund" : "payment", stored.isPresent() ? "stored" : "duplicate", start);
            return ResponseEntity.ok("success");
        } catch (AlipayForm.Malformed m) {
            metrics.record("ALIPAY", "payment", "refused", start);
            log.warn("event=notify.refused channel=ALIPAY reason={} detail=\"{}\"", m.reason, m.getMessage());
            return ResponseEntity.status(m.status).header("X-Vendpay-Reason", m.reason).body("fail");
        } catch (AlipayNotificationVerifier.Refusal r) {
            metrics.record("ALIPAY", "payment", "refused", start);
            log.warn("event=notify.refused channel=ALIPAY reason={} detail=\"{}\"", r.reason, r.getMessage());
            // Alipay reads only the body; the reason travels in a header for whoever debugs the exchange
            return ResponseEntity.badRequest().header("X-Vendpay-Reason", r.reason).body("fail");
        } catch (RuntimeException e) {
            // not stored, so never "success": anything else makes Alipay re-send it on its schedule
            if (StoreFailures.isUnavailable(e)) {
                metrics.record("ALIPAY", "payment", "store_unavailable", start);
                storeFailures.report("alipay_notify", e);
                return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, StoreFailures.RETRY_AFTER_SECONDS)
                        .header("X-Vendpay-Reason", StoreFailures.CODE).body("fail");
            }
            if (!(e instanceof DataAccessException) && !StoreFailures.isBusy(e)) {
                throw e;
            }
            metrics.record("ALIPAY", "payment", "error", start);
            log.error("event=notify.store_failed channel=ALIPAY error=\"{}\"", Failures.rootMessage(e));
            return ResponseEntity.status(500).body("fail");
        } finally {
            admission.exit();
        }
    }
}
