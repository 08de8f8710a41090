package io.vendpay.fleet.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.fleet.DispenseResultReported;
import io.vendpay.shared.Alerts;
import io.vendpay.shared.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Handles one message from {@code vend/{deviceId}/evt}. Every message counts as a sign of life;
 * {@code DISPENSE_RESULT} becomes a {@link DispenseResultReported} event, {@code STOCK} updates slots.
 * A failure to handle is retried a few times; after that the message is acknowledged anyway: a lost
 * result is recovered by the command re-send, which the machine answers with its first result.
 */
@Component
class MachineEventIntake {

    private static final Logger log = LoggerFactory.getLogger(MachineEventIntake.class);
    private static final int ATTEMPTS = 4;

    private final JsonMapper json;
    private final ApplicationEventPublisher events;
    private final MachinePresence presence;
    private final SlotRepository slots;
    private final MeterRegistry meters;
    private final Alerts alerts;

    MachineEventIntake(JsonMapper json, ApplicationEventPublisher events, MachinePresence presence,
                       SlotRepository slots, MeterRegistry meters, Alerts alerts) {
        this.alerts = alerts;
        this.json = json;
        this.events = events;
        this.presence = presence;
        this.slots = slots;
        this.meters = meters;
    }

    private static final java.util.Set<String> CONTRACT_TYPES = java.util.Set.of("DISPENSE_RESULT", "STOCK", "HEARTBEAT", "AUDIT");

    void handle(String topic, byte[] payload) {
        String deviceId = deviceOf(topic);
        if (deviceId == null) {
            reject("BAD_TOPIC", topic, null);
            return;
        }
        presence.seen(deviceId, System.currentTimeMillis());
        JsonNode msg;
        try {
            msg = json.readTree(payload);
        } catch (RuntimeException e) {
            reject("BAD_JSON", topic, e.getMessage());
            return;
        }
        String type = msg.path("type").asString("");
        count(type);
        switch (type) {
            case "DISPENSE_RESULT" -> {
                String cmdId = msg.path("cmdId").asString(null);
                if (cmdId == null || !msg.has("ok")) {
                    reject("BAD_RESULT", topic, "cmdId and ok are required");
                    return;
                }
                var event = new DispenseResultReported(deviceId, cmdId, msg.path("orderNo").asString(null),
                        msg.path("ok").asBoolean(false), msg.path("reason").asString(null), msg.path("ts").asLong(0));
                withRetries(() -> events.publishEvent(event), topic);
            }
            case "STOCK" -> withRetries(() -> restock(deviceId, msg.path("slots"), topic), topic);
            case "HEARTBEAT" -> {
            }
            default -> reject("UNKNOWN_TYPE", topic, type);
        }
    }

    /**
     * A count the machine reports is taken only as what a slot can hold: a whole number from 0 to the slot's
     * capacity. Anything else (11 in a slot of 10, 2147483647, -1, 2.7, "5") is refused with an alert: the
     * platform would otherwise sell units that do not exist.
     */
    private void restock(String deviceId, JsonNode reported, String topic) {
        if (!reported.isArray()) {
            reject("BAD_STOCK", topic, "slots must be an array");
            return;
        }
        for (JsonNode s : reported) {
            JsonNode slotNode = s.path("slot");
            JsonNode stockNode = s.path("stock");
            String slot = slotNode.isString() ? slotNode.asString() : null;
            if (slot == null || slot.isEmpty() || slot.length() > 8 || !stockNode.isIntegralNumber() || !stockNode.canConvertToInt()
                    || stockNode.asInt() < 0) {
                refuseStock(deviceId, topic, String.valueOf(slotNode), String.valueOf(stockNode), "not a slot name and a whole count >= 0");
                continue;
            }
            if (slots.restock(deviceId, slot, stockNode.asInt()) == 0) {
                refuseStock(deviceId, topic, slot, stockNode.toString(), "no such slot, or above its capacity");
            }
        }
    }

    private void refuseStock(String deviceId, String topic, String slot, String stock, String why) {
        reject("BAD_STOCK", topic, "slot " + slot + " stock " + stock + ": " + why);
        alerts.raise("STOCK_REPORT_INVALID", "device=" + deviceId + " slot=\"" + LogText.of(slot) + "\" stock=\"" + LogText.of(stock) + "\" (" + why + "; not taken)");
    }

    private void withRetries(Runnable work, String topic) {
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                return;
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS) {
                    log.error("event=machine_event.failed topic={} attempts={} error=\"{}\" (acknowledged; a command re-send recovers results)",
                            topic, attempt, e.toString(), e);
                    return;
                }
                try {
                    Thread.sleep(50L << attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * The tag is one of the contract's types or {@code other}: it comes from the machine's JSON, and a
     * tag per value any machine sends would be an unbounded number of time series.
     */
    private void count(String type) {
        eventCounters.computeIfAbsent(CONTRACT_TYPES.contains(type) ? type : "other", t -> Counter.builder("vendpay_machine_events")
                .tag("type", t).register(meters)).increment();
    }

    /** Registered once per type (at most five): every heartbeat of the fleet passes here. */
    private final java.util.Map<String, Counter> eventCounters = new java.util.concurrent.ConcurrentHashMap<>();

    private void reject(String why, String topic, String detail) {
        Counter.builder("vendpay_machine_events_rejected").tag("reason", why).register(meters).increment();
        log.warn("event=machine_event.rejected reason={} topic={} detail=\"{}\"", why, LogText.of(topic), LogText.of(detail));
    }

    static String deviceOf(String topic) {
        if (!topic.startsWith("vend/") || !topic.endsWith("/evt")) {
            return null;
        }
        String id = topic.substring(5, topic.length() - 4);
        return id.isEmpty() || id.indexOf('/') >= 0 ? null : id;
    }
}
