package io.vendpay.dispense.internal;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.dispense.DispenseFailed;
import io.vendpay.dispense.DispenseSucceeded;
import io.vendpay.fleet.DispenseResultReported;
import io.vendpay.shared.Alerts;
import io.vendpay.shared.BatchWriter;
import io.vendpay.shared.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies machine results. The first result recorded for a command id wins and is published
 * (in the same transaction, so the order settles with it); results arriving together share that
 * transaction (one writer, {@link BatchWriter}); repeats and results for unknown
 * commands change nothing. A result from another machine than the command's, or naming another order
 * than the command's, is refused with an alert.
 */
@Component
class DispenseResults {

    private static final Logger log = LoggerFactory.getLogger(DispenseResults.class);

    private final DispenseCommands commands;
    private final ApplicationEventPublisher events;
    private final Alerts alerts;
    private final Counter duplicates;

    private final BatchWriter<Result> writer;
    private final Counter unknown;
    private final java.util.concurrent.atomic.AtomicLong unknownLoggedAt = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong unknownSinceLog = new java.util.concurrent.atomic.AtomicLong();

    DispenseResults(DispenseCommands commands, ApplicationEventPublisher events, TransactionTemplate tx, Alerts alerts,
                    DispenseProperties props, MeterRegistry meters) {
        this.commands = commands;
        this.events = events;
        this.alerts = alerts;
        this.duplicates = Counter.builder("vendpay_dispense_results_repeated").register(meters);
        this.unknown = Counter.builder("vendpay_dispense_results_unknown")
                .description("Machine results naming a command this platform does not have").register(meters);
        this.writer = new BatchWriter<>("dispense-result", props.queueCapacity(), 200, tx,
                java.util.Comparator.comparing((Result r) -> r.command().cmdId()), this::apply, meters);
    }

    /** A machine's result for a known command of its own, to be applied. */
    private record Result(DispenseCommands.Command command, boolean ok, String reason, long at) {
    }

    @EventListener
    void on(DispenseResultReported r) {
        var command = commands.find(r.cmdId()).orElse(null);
        if (command == null) {
            unknown.increment();
            // at most one line per 10 s, with the count since the last: a broker session that collected another
            // system's events, or a machine that makes ids up, must not flood the log
            long now = System.currentTimeMillis();
            long last = unknownLoggedAt.get();
            if (now - last >= 10_000 && unknownLoggedAt.compareAndSet(last, now)) {
                log.warn("event=dispense.result_unknown_command device={} cmd_id=\"{}\" order_no=\"{}\" unknown_since_last_line={}"
                        + " (no such command here; counted in vendpay_dispense_results_unknown)", r.deviceId(), LogText.of(r.cmdId()),
                        LogText.of(r.orderNo()), unknownSinceLog.getAndSet(0) + 1);
            } else {
                unknownSinceLog.incrementAndGet();
            }
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
        // Waits for the commit (the MQTT message is acknowledged after it), which it shares with the results the
        // other inbound workers are waiting for: one transaction of 4-5 statements per result, one commit per batch.
        Result result = new Result(command, r.ok(), r.ok() ? null : reason(r.reason()), System.currentTimeMillis());
        writer.write(result, java.time.Duration.ofSeconds(30), "result for " + command.cmdId());
    }

    /** In the writer's transaction: the first result for each command moves its order (listeners of the events). */
    private void apply(List<Result> batch) {
        for (Result r : batch) {
            DispenseCommands.Command command = r.command();
            if (!commands.recordResult(command.cmdId(), r.ok(), r.reason(), r.at())) {
                duplicates.increment();
                continue;
            }
            if (r.ok()) {
                events.publishEvent(new DispenseSucceeded(command.orderNo(), command.cmdId(), command.deviceId(), command.slot()));
            } else {
                events.publishEvent(new DispenseFailed(command.orderNo(), command.cmdId(), command.deviceId(), r.reason()));
            }
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() throws InterruptedException {
        writer.stop(5_000);
    }

    private static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            return "UNSPECIFIED";
        }
        return reason.length() > 64 ? reason.substring(0, 64) : reason;
    }
}
