package io.vendpay.payment;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.vendpay.payment.internal.ChannelGateway;
import org.springframework.stereotype.Service;

/** Outbound calls to the payment channels. */
@Service
public class PaymentGateway {

    private final Map<PaymentChannel, ChannelGateway> channels = new EnumMap<>(PaymentChannel.class);

    PaymentGateway(List<ChannelGateway> gateways) {
        gateways.forEach(g -> channels.put(g.channel(), g));
    }

    public boolean enabled(PaymentChannel channel) {
        return channels.containsKey(channel);
    }

    /** Creates the channel order and returns what the customer scans. */
    public QrCode createQrCode(PaymentChannel channel, String orderNo, long amountFen, String description, long expiresAt) {
        return gateway(channel).createQrCode(orderNo, amountFen, description, expiresAt);
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
