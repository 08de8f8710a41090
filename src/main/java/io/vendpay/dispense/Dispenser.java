package io.vendpay.dispense;

import io.vendpay.dispense.internal.DispenseCommands;
import io.vendpay.dispense.internal.DispensePublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Asking a machine to dispense. Call it inside the transaction that confirms the payment: the
 * command row commits with the payment or not at all (a command never exists for an unpaid order),
 * and it is published only after that commit.
 */
@Service
public class Dispenser {

    private final DispenseCommands commands;
    private final DispensePublisher publisher;

    Dispenser(DispenseCommands commands, DispensePublisher publisher) {
        this.commands = commands;
        this.publisher = publisher;
    }

    /** Creates the order's command if it has none; returns its id. Re-asking returns the same id and sends nothing new. */
    public String dispense(String orderNo, String deviceId, String slot) {
        String cmdId = DispenseCommands.cmdIdOf(orderNo);
        long now = System.currentTimeMillis();
        if (!commands.create(cmdId, orderNo, deviceId, slot, now)) {
            return cmdId;
        }
        var created = new DispenseCommands.Command(cmdId, orderNo, deviceId, slot, "PENDING", now, null, 0,
                now + DispenseCommands.FIRST_PUBLISH_LEASE_MS, null);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    publisher.publishSoon(created);
                }
            });
        } else {
            publisher.publishSoon(created);
        }
        return cmdId;
    }
}
