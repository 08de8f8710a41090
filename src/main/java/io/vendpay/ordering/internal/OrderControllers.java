package io.vendpay.ordering.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vendpay.fleet.DeviceRequests;
import io.vendpay.ordering.OrderStatus;
import io.vendpay.payment.Refunds;
import io.vendpay.shared.ApiException;
import io.vendpay.shared.ChinaTime;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Device and operator HTTP APIs for orders (contract sections 1 and 2). */
@RestController
class OrderControllers {

    private final OrderIntake intake;
    private final Orders orders;
    private final OrderTimeline timeline;
    private final Refunds refunds;

    OrderControllers(OrderIntake intake, Orders orders, OrderTimeline timeline, Refunds refunds) {
        this.intake = intake;
        this.orders = orders;
        this.timeline = timeline;
        this.refunds = refunds;
    }

    @PostMapping("/api/v1/device/orders")
    ResponseEntity<Map<String, Object>> create(HttpServletRequest http, @RequestBody OrderIntake.NewOrder request) {
        var placed = intake.place(DeviceRequests.deviceId(http), request);
        Order o = placed.order();
        var body = new LinkedHashMap<String, Object>();
        body.put("orderNo", o.orderNo());
        body.put("amountFen", o.amountFen());
        body.put("channel", o.channel().name());
        body.put("qrCode", o.qrCode());
        body.put("expiresAt", ChinaTime.rfc3339(o.expiresAt()));
        return ResponseEntity.status(placed.created() ? HttpStatus.CREATED : HttpStatus.OK).body(body);
    }

    @GetMapping("/api/v1/device/orders/{orderNo}")
    Map<String, Object> deviceView(HttpServletRequest http, @PathVariable String orderNo) {
        String deviceId = DeviceRequests.deviceId(http);
        Order o = orders.find(orderNo).filter(x -> x.deviceId().equals(deviceId))
                .orElseThrow(() -> ApiException.notFound("ORDER_NOT_FOUND", "This device has no order " + orderNo));
        return Map.of("orderNo", o.orderNo(), "status", o.status().name());
    }

    @GetMapping("/api/v1/admin/orders/{orderNo}")
    Map<String, Object> adminView(@PathVariable String orderNo) {
        Order o = orders.find(orderNo).orElseThrow(() -> ApiException.notFound("ORDER_NOT_FOUND", "No order " + orderNo));
        var view = summary(o);
        view.put("refund", refunds.ofOrder(orderNo).map(r -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("outRefundNo", r.outRefundNo());
            m.put("status", r.status());
            m.put("refundFen", r.refundFen());
            m.put("reason", r.reason());
            m.put("attempts", r.attempts());
            m.put("lastError", r.lastError());
            m.put("settledAt", ChinaTime.rfc3339OrNull(r.settledAt()));
            return m;
        }).orElse(null));
        view.put("timeline", timeline.of(orderNo).stream().map(e -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("at", ChinaTime.rfc3339(e.occurredAt()));
            m.put("ts", e.occurredAt());
            m.put("type", e.type());
            m.put("from", e.fromStatus());
            m.put("to", e.toStatus());
            m.put("detail", e.detail());
            return m;
        }).toList());
        return view;
    }

    @GetMapping("/api/v1/admin/orders")
    Map<String, Object> adminList(@RequestParam(required = false) String status,
                                  @RequestParam(required = false) String deviceId,
                                  @RequestParam(defaultValue = "50") int limit) {
        OrderStatus s = null;
        if (status != null && !status.isBlank()) {
            try {
                s = OrderStatus.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("BAD_PARAMETER", "status must be one of " + List.of(OrderStatus.values()));
            }
        }
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("BAD_PARAMETER", "limit must be 1 to 1000");
        }
        List<Map<String, Object>> items = orders.list(s, deviceId == null || deviceId.isBlank() ? null : deviceId, limit)
                .stream().<Map<String, Object>>map(OrderControllers::summary).toList();
        return Map.of("orders", items, "count", items.size());
    }

    private static LinkedHashMap<String, Object> summary(Order o) {
        var m = new LinkedHashMap<String, Object>();
        m.put("orderNo", o.orderNo());
        m.put("deviceId", o.deviceId());
        m.put("clientOrderId", o.clientOrderId());
        m.put("slot", o.slot());
        m.put("productId", o.productId());
        m.put("productName", o.productName());
        m.put("status", o.status().name());
        m.put("flags", o.flags() == null ? List.of() : List.of(o.flags().split(",")));
        m.put("amountFen", o.amountFen());
        m.put("paidAmountFen", o.paidAmountFen());
        m.put("channel", o.channel().name());
        m.put("channelTransactionId", o.channelTxnId());
        m.put("createdAt", ChinaTime.rfc3339(o.createdAt()));
        m.put("expiresAt", ChinaTime.rfc3339(o.expiresAt()));
        m.put("paidAt", ChinaTime.rfc3339OrNull(o.paidAt()));
        m.put("settledAt", ChinaTime.rfc3339OrNull(o.settledAt()));
        return m;
    }
}
