package io.vendpay.payment.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vendpay.payment.RefundView;
import io.vendpay.payment.Refunds;
import io.vendpay.shared.ApiException;
import io.vendpay.shared.ChinaTime;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Operator view of refunds: {@code GET /api/v1/admin/refunds?status=ABNORMAL} lists what needs a person. */
@RestController
class RefundAdminController {

    private static final Set<String> STATUSES = Set.of("PENDING", "REQUESTED", "SUCCEEDED", "CLOSED", "ABNORMAL", "FAILED");

    private final Refunds refunds;

    RefundAdminController(Refunds refunds) {
        this.refunds = refunds;
    }

    @GetMapping("/api/v1/admin/refunds")
    Map<String, Object> list(@RequestParam(required = false) String status, @RequestParam(defaultValue = "50") int limit) {
        if (status != null && !status.isBlank() && !STATUSES.contains(status)) {
            throw ApiException.badRequest("BAD_PARAMETER", "status must be one of " + STATUSES);
        }
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("BAD_PARAMETER", "limit must be 1 to 1000");
        }
        List<Map<String, Object>> items = refunds.list(status == null || status.isBlank() ? null : status, limit).stream()
                .map(RefundAdminController::view).toList();
        return Map.of("refunds", items, "count", items.size());
    }

    static Map<String, Object> view(RefundView r) {
        var m = new LinkedHashMap<String, Object>();
        m.put("outRefundNo", r.outRefundNo());
        m.put("orderNo", r.orderNo());
        m.put("channel", r.channel());
        m.put("status", r.status());
        m.put("refundFen", r.refundFen());
        m.put("reason", r.reason());
        m.put("attempts", r.attempts());
        m.put("lastError", r.lastError());
        m.put("channelRefundId", r.channelRefundId());
        m.put("createdAt", ChinaTime.rfc3339(r.createdAt()));
        m.put("settledAt", ChinaTime.rfc3339OrNull(r.settledAt()));
        return m;
    }
}
