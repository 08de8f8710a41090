package io.vendpay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.vendpay.dispense.internal.DispenseCommands;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.internal.ChannelNotification;
import io.vendpay.payment.internal.NotificationJournal;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A node that dies between two steps leaves work in the database, and the timers finish it:
 * a notification stored and answered but never processed, a command committed but never published.
 */
@OnMariaDb
class RecoveryTest extends PlatformTest {

    @Autowired
    NotificationJournal journal;
    @Autowired
    DispenseCommands commands;

    @Test
    void aNotificationStoredButNeverProcessedIsProcessedByTheSweeper() {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            // what the notify endpoint stores before answering 200, with the process gone before its worker ran
            journal.store(new ChannelNotification(PaymentChannel.WECHAT, "4200000000000000000000000201", "TRANSACTION.SUCCESS",
                    orderNo, null, "EV-1", 350L, "SUCCESS", "{}", System.currentTimeMillis(), ChannelNotification.NOTIFY),
                    System.currentTimeMillis());

            JsonNode command = machine.nextCommand(15);
            assertThat(command).as("the sweeper processed the stored notification").isNotNull();
            machine.answer(command, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
        }
    }

    @Test
    void aCommandCommittedButNeverPublishedIsPublishedByTheTimer() {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = machine.newOrder().path("orderNo").asString();
            platform.sql.sql("UPDATE orders SET status = 'PAID', channel_txn_id = 'T1', paid_amount_fen = 350 WHERE order_no = ?")
                    .param(orderNo).update();
            // the command row as the paying transaction commits it, with the process gone before publishing
            commands.create(DispenseCommands.cmdIdOf(orderNo), orderNo, machine.deviceId, "A1", System.currentTimeMillis());

            JsonNode command = machine.nextCommand(15);
            assertThat(command).isNotNull();
            assertThat(command.path("cmdId").asString()).isEqualTo("D" + orderNo);
            machine.answer(command, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
        }
    }
}
