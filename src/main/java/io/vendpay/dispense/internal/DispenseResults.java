package io.vendpay.dispense.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.dispense.DispenseFailed;
import io.vendpay.dispense.DispenseSucceeded;
import io.vendpay.fleet.DispenseResultReported;
import io.vendpay.shared.Alerts;
import io.vendpay.shared.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies machine results. The first result recorded for a command id wins and is published
 * (in the same transaction, so the order settles with it); repeats and results for unknown
 * commands change nothing. A result from another machine than the command's, or naming another order
 * than the command's, is refused with an alert.
 */
@Component
class DispenseResults {

    private static final Logger log = LoggerFactory.getLogger(DispenseResults.class);

    private final DispenseCommands commands;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final Alerts alerts;
    private final Counter duplicates;

    DispenseResults(DispenseCommands commands, ApplicationEventPublisher events, TransactionTemplate tx, Alerts alerts,
                    MeterRegistry meters) {
        this.commands = commands;
        this.events = events;
        this.tx = tx;
        this.alerts = alerts;
        this.duplicates = Counter.builder("vendpay_dispense_results_repeated").register(meters);
    }

    @EventListener
    void on(DispenseResultReported r) {
        var command = commands.find(r.cmdId()).orElse(null);
        if (command == null) {
            log.warn("event=dispense.result_unknown_command device={} cmd_id=\"{}\" order_no=\"{}\"", r.deviceId(), LogText.of(r.cmdId()),
                    LogText.of(r.orderNo()));
            return;
        }
        if (!command.deviceId().equals(r.deviceId())) {
            alerts.raise("DISPENSE_RESULT_WRONG_DEVICE", "cmd_id=" + command.cmdId() + " reported_by=" + r.deviceId()
                    + " expected=" + command.deviceId());
            return;
        }
        if (r.orderNo() != null && !command.orderNo().equals(r.orderNo())) {
            // the machine's firmware or its state is broken: which order did it vend? Neither is settled from this.
            alerts.raise("DISPENSE_RESULT_MISMATCH", "cmd_id=" + r.cmdId() + " is order " + command.orderNo() + " but the result from "
                    + r.deviceId() + " names order \"" + LogText.of(r.orderNo()) + "\"; not applied");
            return;
        }
        long now = System.currentTimeMillis();
        tx.executeWithoutResult(s -> {
            if (!commands.recordResult(r.cmdId(), r.ok(), r.ok() ? null : reason(r.reason()), now)) {
                duplicates.increment();
                return;
            }
            if (r.ok()) {
                events.publishEvent(new DispenseSucceeded(command.orderNo(), command.cmdId(), command.deviceId()));
            } else {
                events.publishEvent(new DispenseFailed(command.orderNo(), command.cmdId(), command.deviceId(), reason(r.reason())));
            }
        });
    }

    private static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            return "UNSPECIFIED";
        }
        return reason.length() > 64 ? reason.substring(0, 64) : reason;
    }
}
