package io.vendpay.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.vendpay.dispense.DispenseCommandSent;
import io.vendpay.dispense.DispenseFailed;
import io.vendpay.dispense.DispenseSucceeded;
import io.vendpay.dispense.DispenseUnanswered;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.PaymentConfirmed;
import io.vendpay.payment.RefundSettled;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Events reach the order in any order and any number of times; the state machine only moves
 * forward and never from DISPENSED. The events are published here exactly as the payment and
 * dispense modules publish them, inside a transaction.
 */
@OnMariaDb
class OutOfOrderEventsTest extends PlatformTest {

    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate tx;

    @Test
    void aResultBeforeTheSendAcknowledgementSettlesAndTheLateAcknowledgementChangesNothing() {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = machine.newOrder().path("orderNo").asString();
            publish(new PaymentConfirmed(PaymentChannel.WECHAT, orderNo, "4200000000000000000000000101", 350, 1L, "TEST"));
            String cmdId = "D" + orderNo;

            publish(new DispenseSucceeded(orderNo, cmdId, machine.deviceId));
            publish(new DispenseCommandSent(orderNo, cmdId));
            publish(new DispenseUnanswered(orderNo, cmdId, 3));
            publish(new DispenseFailed(orderNo, cmdId, machine.deviceId, "LATE_LIE"));
            publish(new PaymentConfirmed(PaymentChannel.WECHAT, orderNo, "4200000000000000000000000101", 350, 1L, "TEST"));
            publish(new RefundSettled(orderNo, "R" + orderNo, true, "SUCCESS"));

            assertThat(platform.status(orderNo)).isEqualTo("DISPENSED");
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isZero();
            assertThat(platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ?", orderNo)).isEqualTo(1);
            assertThat(platform.count("SELECT stock FROM slot WHERE device_id = ?", machine.deviceId)).isEqualTo(4);
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isZero();
        }
    }

    @Test
    void aRefundSettledBeforeItsFailureIsRecordedDoesNotSkipTheRefund() {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = machine.newOrder().path("orderNo").asString();
            publish(new RefundSettled(orderNo, "R" + orderNo, true, "SUCCESS"));      // nothing to settle yet
            assertThat(platform.status(orderNo)).isEqualTo("CREATED");

            publish(new PaymentConfirmed(PaymentChannel.WECHAT, orderNo, "4200000000000000000000000102", 350, 1L, "TEST"));
            publish(new DispenseFailed(orderNo, "D" + orderNo, machine.deviceId, "MOTOR_JAM"));
            publish(new DispenseSucceeded(orderNo, "D" + orderNo, machine.deviceId));  // too late: REFUNDING is not undone

            // Never DISPENSED; REFUNDED already when the sandbox's refund notification (200 ms here) won the race.
            assertThat(platform.status(orderNo)).isIn("REFUNDING", "REFUNDED");
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isEqualTo(1);
        }
    }

    @Test
    void aSecondDifferentPaymentForAPaidOrderIsNotAppliedTwice() {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = machine.newOrder().path("orderNo").asString();
            publish(new PaymentConfirmed(PaymentChannel.WECHAT, orderNo, "4200000000000000000000000103", 350, 1L, "TEST"));
            publish(new PaymentConfirmed(PaymentChannel.WECHAT, orderNo, "4200000000000000000000000104", 350, 1L, "TEST"));

            assertThat(platform.status(orderNo)).isIn("PAID", "DISPENSING");
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'PAY'", orderNo)).isEqualTo(1);
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'SECOND_PAYMENT'", orderNo)).isEqualTo(1);
        }
    }

    private void publish(Object event) {
        tx.executeWithoutResult(s -> events.publishEvent(event));
    }
}
