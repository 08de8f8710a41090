package io.vendpay.shared;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Something an operator must look at: money that moved where it should not, or a state the
 * platform cannot leave by itself. Each alert is a WARN line starting {@code alert=<KIND>} and
 * an increment of {@code vendpay_alerts_total{kind}}, which is what dashboards and pagers watch.
 */
@Component
public class Alerts {

    private static final Logger log = LoggerFactory.getLogger("vendpay.alerts");
    private final MeterRegistry meters;

    Alerts(MeterRegistry meters) {
        this.meters = meters;
    }

    public void raise(String kind, String details) {
        Counter.builder("vendpay_alerts").tag("kind", kind).description("Conditions that need an operator")
                .register(meters).increment();
        log.warn("alert={} {}", kind, details);
    }
}
