package io.vendpay.dispense.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vendpay.dispense.DispenseCommandSent;
import io.vendpay.fleet.MachineLink;
import io.vendpay.shared.BatchWriter;
import io.vendpay.shared.BoundedWorkers;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes dispense commands and records the broker's acknowledgement. A publish that fails
 * (link down, in-flight window full, queue full) changes nothing: the command's timer is still
 * set, and {@link DispenseTimers} publishes it again when it comes due.
 * <p>
 * The acknowledgements (PUBACKs) of many orders share one transaction: they go to one writer that
 * commits whatever has queued while it wrote the last batch (for each: the command's PENDING → SENT
 * and the order's PAID → DISPENSING with its timeline line, three statements). At a rush that is one
 * commit for tens of orders; an acknowledgement that is not recorded (a full queue, a failed batch
 * item) is recovered by the command's timer, as a lost PUBACK is.
 */
@Component
public class DispensePublisher {

    private static final Logger log = LoggerFactory.getLogger(DispensePublisher.class);

    private final MachineLink link;
    private final DispenseCommands commands;
    private final DispenseProperties props;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final ThreadPoolExecutor workers;
    private final Timer commitToAck;
    private final Counter publishFailures;
    private final BatchWriter<Acknowledged> acks;

    DispensePublisher(MachineLink link, DispenseCommands commands, DispenseProperties props,
                      ApplicationEventPublisher events, TransactionTemplate tx, MeterRegistry meters) {
        this.link = link;
        this.commands = commands;
        this.props = props;
        this.events = events;
        this.tx = tx;
        this.workers = BoundedWorkers.create("dispense-worker", props.workers(), props.queueCapacity(), meters);
        this.commitToAck = Timer.builder("vendpay_dispense_first_publish")
                .description("From the payment commit that created the command to the broker's PUBACK")
                .publishPercentileHistogram().register(meters);
        this.publishFailures = Counter.builder("vendpay_dispense_publish_failures").register(meters);
        this.acks = new BatchWriter<>("dispense-ack", props.queueCapacity(), 200, tx,
                java.util.Comparator.comparing(Acknowledged::cmdId), this::record, meters);
    }

    /** A PUBACK for a command, at {@code at}. */
    private record Acknowledged(DispenseCommands.Command command, long at) {
        String cmdId() {
            return command.cmdId();
        }
    }

    /** Right after the paying transaction commits, with the command as it was inserted (no re-read). */
    public void publishSoon(DispenseCommands.Command c) {
        try {
            workers.execute(() -> publish(c));
        } catch (RejectedExecutionException full) {
            publishFailures.increment();
        }
    }

    void publish(DispenseCommands.Command c) {
        long ts = System.currentTimeMillis();
        byte[] payload = ("{\"type\":\"DISPENSE\",\"cmdId\":\"" + c.cmdId() + "\",\"orderNo\":\"" + c.orderNo()
                + "\",\"slot\":\"" + c.slot() + "\",\"qty\":1,\"ts\":" + ts + "}").getBytes(StandardCharsets.UTF_8);
        link.sendCommand(c.deviceId(), payload).whenComplete((ok, error) -> {
            if (error != null) {
                publishFailures.increment();
                log.debug("event=dispense.publish_failed cmd_id={} error=\"{}\" (the timer retries)", c.cmdId(), error.getMessage());
                return;
            }
            acks.submit(new Acknowledged(c, System.currentTimeMillis())).whenComplete((done, notRecorded) -> {
                if (notRecorded != null) {
                    log.debug("event=dispense.ack_not_recorded cmd_id={} error=\"{}\" (the timer re-sends)", c.cmdId(),
                            notRecorded.toString());
                }
            });
        });
    }

    /** In the writer's transaction: each acknowledged command's first PUBACK moves it and its order. */
    private void record(List<Acknowledged> batch) {
        for (Acknowledged a : batch) {
            DispenseCommands.Command c = a.command();
            if (commands.markSent(c.cmdId(), a.at(), nextDue(c, a.at()))) {
                commitToAck.record(a.at() - c.createdAt(), TimeUnit.MILLISECONDS);
                events.publishEvent(new DispenseCommandSent(c.orderNo(), c.cmdId()));
            }
        }
    }

    /** When the command must be looked at again after a send at {@code now}. */
    Long nextDue(DispenseCommands.Command c, long now) {
        boolean unknown = c.unknownAt() != null;
        Long nextSend = now - c.createdAt() > props.giveUpResendAfter().toMillis() ? null
                : now + (unknown ? props.unknownResendEvery() : props.resendAfter()).toMillis();
        if (unknown) {
            return nextSend;
        }
        long unknownDeadline = c.createdAt() + props.unknownAfter().toMillis();
        return nextSend == null ? unknownDeadline : Math.min(nextSend, unknownDeadline);
    }

    boolean saturated() {
        return workers.getQueue().remainingCapacity() < props.queueCapacity() / 4;
    }

    @PreDestroy
    void shutdown() throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(5, TimeUnit.SECONDS);
        acks.stop(5_000);
    }
}
