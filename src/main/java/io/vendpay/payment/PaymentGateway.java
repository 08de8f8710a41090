package io.vendpay.payment;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.vendpay.payment.internal.ChannelGateway;
import io.vendpay.payment.internal.ChannelNotification;
import io.vendpay.payment.internal.NotificationJournal;
import io.vendpay.payment.internal.NotificationProcessor;
import io.vendpay.shared.Alerts;
import org.springframework.stereotype.Service;

/** Outbound calls to the payment channels. */
@Service
public class PaymentGateway {

    private final Map<PaymentChannel, ChannelGateway> channels = new EnumMap<>(PaymentChannel.class);
    private final NotificationJournal journal;
    private final NotificationProcessor processor;

    private final Alerts alerts;

    PaymentGateway(List<ChannelGateway> gateways, NotificationJournal journal, NotificationProcessor processor,
                   Alerts alerts) {
        this.alerts = alerts;
        gateways.forEach(g -> channels.put(g.channel(), g));
        this.journal = journal;
        this.processor = processor;
    }

    /** What a payment check found. */
    public enum PaymentCheck { PAID, NOT_PAID, CLOSED, UNKNOWN_AT_CHANNEL }

    /**
     * Asks the channel whether {@code orderNo} was paid: for a notification that may be lost. A
     * payment found this way is stored and processed exactly like a notification, under the same
     * dedup key, so the notification arriving later (or having arrived meanwhile) is a no-op.
     */
    public PaymentCheck check(PaymentChannel channel, String orderNo) {
        ChannelGateway.PaymentStatus s = gateway(channel).query(orderNo);
        if (s.paid() && (s.amountFen() == null || s.amountFen() <= 0 || s.transactionId() == null)) {
            // never a payment (nor, later, a refund) of an amount the channel did not state plainly
            alerts.raise("CHANNEL_ANSWER_INVALID", "channel=" + channel + " order_no=" + orderNo
                    + " query says paid with amount " + s.amountFen() + " transaction " + s.transactionId());
            return PaymentCheck.UNKNOWN_AT_CHANNEL;
        }
        if (s.paid()) {
            long now = System.currentTimeMillis();
            var found = new ChannelNotification(channel, s.transactionId(), ChannelNotification.PAYMENT_SUCCESS, orderNo, null,
                    null, s.amountFen(), "SUCCESS", s.payload() == null ? "{}" : s.payload(),
                    s.paidAt() == null ? now : s.paidAt(), ChannelNotification.QUERY);
            journal.store(found, now).ifPresent(processor::submit);
            return PaymentCheck.PAID;
        }
        if ("UNKNOWN".equals(s.channelState())) {
            return PaymentCheck.UNKNOWN_AT_CHANNEL;
        }
        return s.closed() ? PaymentCheck.CLOSED : PaymentCheck.NOT_PAID;
    }

    public boolean enabled(PaymentChannel channel) {
        return channels.containsKey(channel);
    }

    /** Creates the channel order and returns what the customer scans. */
    public QrCode createQrCode(PaymentChannel channel, String orderNo, long amountFen, String description, long expiresAt) {
        return gateway(channel).createQrCode(orderNo, amountFen, description, expiresAt);
    }

    /**
     * Records a payment the channel confirmed by other means than a notification or query (a line
     * of the daily bill): stored and processed exactly like a notification, under the same dedup
     * key, so it has an effect only when vendpay never learnt of this payment. Returns whether it
     * was new to vendpay.
     */
    public boolean confirmFromBill(PaymentChannel channel, String orderNo, String transactionId, long amountFen, long paidAt) {
        if (amountFen <= 0) {
            alerts.raise("BILL_LINE_INVALID", "channel=" + channel + " order_no=" + orderNo + " transaction " + transactionId
                    + " has amount " + amountFen + " fen; not taken as a payment");
            return false;
        }
        var found = new ChannelNotification(channel, transactionId, ChannelNotification.PAYMENT_SUCCESS, orderNo, null, null,
                amountFen, "SUCCESS", "{}", paidAt, ChannelNotification.BILL);
        var stored = journal.store(found, System.currentTimeMillis());
        stored.ifPresent(processor::submit);
        return stored.isPresent();
    }

    /** What became of a close request. */
    public enum CloseOutcome { CLOSED, ALREADY_PAID }

    /** Closes the channel order of an expired unpaid order, so the customer can no longer pay it. */
    public CloseOutcome close(PaymentChannel channel, String orderNo) {
        try {
            gateway(channel).close(orderNo);
            return CloseOutcome.CLOSED;
        } catch (ChannelException e) {
            if ("ORDERPAID".equals(e.channelCode()) || "TRADE_SUCCESS".equals(e.channelCode())) {
                return CloseOutcome.ALREADY_PAID;
            }
            throw e;
        }
    }

    private ChannelGateway gateway(PaymentChannel channel) {
        ChannelGateway g = channels.get(channel);
        if (g == null) {
            throw new ChannelException("Channel " + channel + " is not enabled on this platform", "CHANNEL_DISABLED", false, null);
        }
        return g;
    }
}
