package io.vendpay.dispense.internal;

import io.vendpay.dispense.DispenseUnanswered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Scans for commands whose timer is due, in small batches through the (status, next_due_at)
 * index: re-publishes unanswered ones and reports those past {@code unknown-after}. Each command
 * is claimed with a conditional update first, so two nodes never act on the same one twice.
 */
@Component
class DispenseTimers {

    private static final Logger log = LoggerFactory.getLogger(DispenseTimers.class);
    private static final long CLAIM_MS = 5_000;

    private final DispenseCommands commands;
    private final DispensePublisher publisher;
    private final DispenseProperties props;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;

    DispenseTimers(DispenseCommands commands, DispensePublisher publisher, DispenseProperties props,
                   ApplicationEventPublisher events, TransactionTemplate tx) {
        this.commands = commands;
        this.publisher = publisher;
        this.props = props;
        this.events = events;
        this.tx = tx;
    }

    @Scheduled(fixedDelayString = "${vendpay.dispense.timer-every:500ms}", initialDelayString = "2s")
    void tick() {
        long now = System.currentTimeMillis();
        for (var c : commands.due(now, 500)) {
            if (publisher.saturated()) {
                return;
            }
            if (!commands.claim(c, now + CLAIM_MS)) {
                continue;
            }
            boolean unknownDue = c.unknownAt() == null && now >= c.createdAt() + props.unknownAfter().toMillis();
            if (unknownDue) {
                tx.executeWithoutResult(s -> {
                    if (commands.markUnknown(c.cmdId(), now)) {
                        events.publishEvent(new DispenseUnanswered(c.orderNo(), c.cmdId(), c.sendCount()));
                    }
                });
                log.debug("event=dispense.unanswered cmd_id={} order_no={} sends={}", c.cmdId(), c.orderNo(), c.sendCount());
            }
            var current = unknownDue ? withUnknown(c, now) : c;
            long resendInterval = (current.unknownAt() != null ? props.unknownResendEvery() : props.resendAfter()).toMillis();
            boolean sendDue = "PENDING".equals(c.status()) || c.lastSentAt() == null || now >= c.lastSentAt() + resendInterval;
            if (sendDue && now - c.createdAt() <= props.giveUpResendAfter().toMillis()) {
                publisher.publish(current);
            } else {
                Long base = c.lastSentAt() == null ? now : c.lastSentAt();
                commands.reschedule(c.cmdId(), publisher.nextDue(current, base));
            }
        }
    }

    private static DispenseCommands.Command withUnknown(DispenseCommands.Command c, long at) {
        return new DispenseCommands.Command(c.cmdId(), c.orderNo(), c.deviceId(), c.slot(), c.status(), c.createdAt(),
                c.lastSentAt(), c.sendCount(), c.nextDueAt(), at);
    }
}
