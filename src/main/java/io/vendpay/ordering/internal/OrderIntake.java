package io.vendpay.ordering.internal;

import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vendpay.fleet.Fleet;
import io.vendpay.fleet.SlotOffer;
import io.vendpay.ordering.OrderStatus;
import io.vendpay.payment.ChannelException;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.PaymentGateway;
import io.vendpay.shared.ApiException;
import io.vendpay.shared.Ids;
import io.vendpay.shared.LoadShedder;
import io.vendpay.fleet.DeviceRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates orders for machines (contract section 2). Idempotent by (device, clientOrderId).
 * The unit is held in the same transaction that inserts the order, with a conditional update,
 * so the answer 409 counts units held by unexpired unpaid orders and two customers cannot buy
 * the last one. The channel is called after that commit, outside any transaction.
 */
@Component
class OrderIntake {

    private static final Logger log = LoggerFactory.getLogger(OrderIntake.class);
    private static final Pattern CLIENT_ORDER_ID = Pattern.compile("[\\x21-\\x7e]{1,64}");
    private static final Pattern SLOT = Pattern.compile("[A-Za-z0-9]{1,8}");

    private final Orders orders;
    private final Fleet fleet;
    private final PaymentGateway payments;
    private final TransactionTemplate tx;
    private final Ids ids;
    private final OrderingProperties props;
    private final Timer channelCalls;
    private final UnpaidOrderTimer timer;
    private final LoadShedder channelBulkhead;

    OrderIntake(Orders orders, Fleet fleet, PaymentGateway payments, TransactionTemplate tx, Ids ids,
                OrderingProperties props, UnpaidOrderTimer timer, MeterRegistry meters) {
        this.timer = timer;
        this.orders = orders;
        this.fleet = fleet;
        this.payments = payments;
        this.tx = tx;
        this.ids = ids;
        this.props = props;
        this.channelCalls = Timer.builder("vendpay_channel_create_order").publishPercentileHistogram().register(meters);
        this.channelBulkhead = new LoadShedder("channel_create", props.createChannelCalls(), props.createChannelMaxWait().toMillis(),
                meters);
    }

    record NewOrder(String clientOrderId, String slot, String channel) {
    }

    /** The order and whether this call created it (201) or found it (200). */
    record Placed(Order order, boolean created) {
    }

    /**
     * One new order, in this sequence: validate; the slot's offer (1 read); a place for the channel call
     * (its own bulkhead, so waiting channels never hold the device API's admission places); the unit held
     * and the order inserted with its timeline line (1 transaction); the admission place given back; the
     * channel's create-payment call (a signed HTTPS round trip, no transaction open); the QR code written
     * (shared with the orders created at the same time, 1 commit per batch).
     */
    Placed place(String deviceId, NewOrder request) {
        PaymentChannel channel = validate(request);
        // Admission control happened at the device API's door (DeviceSignatureFilter). A retried
        // clientOrderId is found by the unique key when the insert collides (see create), so the
        // common first attempt costs no extra read.
        if (!channelBulkhead.tryEnter()) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "OVERLOADED",
                    "Too many payments are being created at the channels right now; nothing was held. Retry after 1 s");
        }
        try {
            return create(deviceId, request, channel);
        } finally {
            channelBulkhead.exit();
        }
    }

    private Placed create(String deviceId, NewOrder request, PaymentChannel channel) {
        if (!payments.enabled(channel)) {
            throw ApiException.badRequest("CHANNEL_DISABLED", "Channel " + channel + " is not enabled on this platform");
        }
        SlotOffer offer = fleet.offer(deviceId, request.slot()).orElseThrow(() ->
                ApiException.notFound("SLOT_UNKNOWN", "Device " + deviceId + " has no slot " + request.slot()));
        long now = System.currentTimeMillis();
        long expiresAt = now + props.paymentTimeout().toMillis();
        var order = new Order(ids.nextOrderNo(), deviceId, request.clientOrderId(), offer.slot(), offer.productId(),
                offer.productName(), offer.priceFen(), channel, OrderStatus.CREATED, null, null, null, null, now,
                expiresAt, null, null, now, timer.firstDue(now, expiresAt), 0);
        Boolean held;
        try {
            held = tx.execute(s -> {
                if (!fleet.hold(deviceId, offer.slot())) {
                    return false;
                }
                orders.insert(order);
                return true;
            });
        } catch (DuplicateKeyException duplicate) {
            // Either the same clientOrderId raced in on another request (its transaction, hold
            // included, won), or two nodes drew the same order number: then try again with a new one.
            var raced = orders.findByClient(deviceId, request.clientOrderId());
            if (raced.isPresent()) {
                return new Placed(ready(raced.get()), false);
            }
            return create(deviceId, request, channel);
        }
        if (!Boolean.TRUE.equals(held)) {
            var retried = orders.findByClient(deviceId, request.clientOrderId());
            if (retried.isPresent()) {
                return new Placed(ready(retried.get()), false);   // its own unit is the one held
            }
            throw ApiException.conflict("OUT_OF_STOCK", "Slot " + offer.slot() + " of " + deviceId
                    + " has no unit left that is not already held by an unpaid or undelivered order");
        }
        DeviceRequests.leaveAdmission();    // the store's part is done; the channel's round trip is not this platform's load
        String qr;
        long t0 = System.nanoTime();
        try {
            qr = payments.createQrCode(channel, order.orderNo(), order.amountFen(), order.productName(), order.expiresAt()).content();
        } catch (ChannelException e) {
            tx.executeWithoutResult(s -> {
                if (orders.move(order, OrderTransition.CHANNEL_FAILED, System.currentTimeMillis(), null, "CHANNEL_FAILED",
                        e.getMessage())) {
                    fleet.release(deviceId, order.slot());
                }
            });
            log.warn("event=order.channel_failed order_no={} channel={} error=\"{}\"", order.orderNo(), channel, e.getMessage());
            throw new ApiException(HttpStatus.BAD_GATEWAY, "CHANNEL_UNAVAILABLE", channel
                    + " did not create the payment: " + e.getMessage() + ". Nothing is held; retry with a new clientOrderId.");
        } finally {
            channelCalls.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        orders.setQrCode(order.orderNo(), qr, System.currentTimeMillis());
        return new Placed(withQr(order, qr), true);
    }

    /** A found order as the machine needs it: with its QR code, waiting briefly if its creation is still in progress. */
    private Order ready(Order found) {
        Order o = found;
        if (o.qrCode() == null && o.status() == OrderStatus.CREATED) {
            DeviceRequests.leaveAdmission();    // it waits for another request's channel call: no admission place held
        }
        for (int i = 0; o.qrCode() == null && o.status() == OrderStatus.CREATED && i < 20; i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            o = orders.find(o.orderNo()).orElseThrow();
        }
        if (o.qrCode() == null) {
            if (o.status() == OrderStatus.CREATED) {
                throw ApiException.conflict("ORDER_IN_PROGRESS",
                        "Order " + o.orderNo() + " for this clientOrderId is still being created; retry in a second");
            }
            throw new ApiException(HttpStatus.BAD_GATEWAY, "CHANNEL_UNAVAILABLE", "Order " + o.orderNo()
                    + " for this clientOrderId failed at the payment channel; retry with a new clientOrderId");
        }
        return o;
    }

    private static PaymentChannel validate(NewOrder r) {
        if (r == null) {
            throw ApiException.badRequest("VALIDATION_FAILED", "A JSON body {\"clientOrderId\",\"slot\",\"channel\"} is required");
        }
        if (r.clientOrderId() == null || !CLIENT_ORDER_ID.matcher(r.clientOrderId()).matches()) {
            throw ApiException.badRequest("VALIDATION_FAILED", "clientOrderId must be 1 to 64 printable ASCII characters without spaces");
        }
        if (r.slot() == null || !SLOT.matcher(r.slot()).matches()) {
            throw ApiException.badRequest("VALIDATION_FAILED", "slot must be 1 to 8 of [A-Za-z0-9]");
        }
        try {
            return PaymentChannel.valueOf(String.valueOf(r.channel()));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("VALIDATION_FAILED", "channel must be WECHAT or ALIPAY");
        }
    }

    private static Order withQr(Order o, String qr) {
        return new Order(o.orderNo(), o.deviceId(), o.clientOrderId(), o.slot(), o.productId(), o.productName(),
                o.amountFen(), o.channel(), o.status(), o.flags(), qr, o.channelTxnId(), o.paidAmountFen(), o.createdAt(),
                o.expiresAt(), o.paidAt(), o.settledAt(), o.updatedAt(), o.dueAt(), o.queries());
    }
}
