package io.vendpay.fleet;

import java.util.Optional;

import io.vendpay.fleet.internal.SlotRepository;
import org.springframework.stereotype.Service;

/**
 * Slots and stock. A sale holds one unit from the moment the order is created until it settles:
 * {@link #hold} when created, then exactly one of {@link #consume} (dispensed) or {@link #release}
 * (expired, refunded). Each is one conditional row update meant to run inside the caller's
 * transaction, next to the order transition that justifies it.
 */
@Service
public class Fleet {

    private final SlotRepository slots;

    Fleet(SlotRepository slots) {
        this.slots = slots;
    }

    public Optional<SlotOffer> offer(String deviceId, String slot) {
        return slots.offer(deviceId, slot);
    }

    /** Holds one unit if the slot has stock not already held; {@code false} means sold out. */
    public boolean hold(String deviceId, String slot) {
        return slots.hold(deviceId, slot);
    }

    /** Gives a held unit back (the order will not dispense). */
    public void release(String deviceId, String slot) {
        slots.release(deviceId, slot);
    }

    /** A held unit left the machine. */
    public void consume(String deviceId, String slot) {
        slots.consume(deviceId, slot);
    }
}
