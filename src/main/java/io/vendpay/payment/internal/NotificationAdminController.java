package io.vendpay.payment.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vendpay.shared.ApiException;
import io.vendpay.shared.ChinaTime;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operator cases of poison notifications: {@code GET /api/v1/admin/notifications/cases} lists the
 * stored notifications that failed every processing attempt (their payment or refund outcome is not
 * applied), {@code POST /api/v1/admin/notifications/{id}/retry} processes one again once its cause is fixed.
 */
@RestController
class NotificationAdminController {

    private final NotificationJournal journal;
    private final NotificationProcessor processor;

    NotificationAdminController(NotificationJournal journal, NotificationProcessor processor) {
        this.journal = journal;
        this.processor = processor;
    }

    @GetMapping("/api/v1/admin/notifications/cases")
    Map<String, Object> cases(@RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("BAD_PARAMETER", "limit must be 1 to 1000");
        }
        List<Map<String, Object>> items = journal.cases(limit).stream().map(NotificationAdminController::view).toList();
        return Map.of("cases", items, "count", items.size());
    }

    @PostMapping("/api/v1/admin/notifications/{id}/retry")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> retry(@PathVariable long id) {
        if (!processor.retry(id)) {
            throw ApiException.notFound("NOT_FOUND", "No open case for notification " + id
                    + "; GET /api/v1/admin/notifications/cases lists them (a case retried already is closed)");
        }
        return Map.of("id", id, "status", "RETRYING");
    }

    private static Map<String, Object> view(NotificationJournal.Case c) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", c.id());
        m.put("channel", c.channel());
        m.put("eventType", c.eventType());
        m.put("transactionId", c.transactionId());
        m.put("outTradeNo", c.outTradeNo());
        m.put("outRefundNo", c.outRefundNo());
        m.put("receivedAt", ChinaTime.rfc3339(c.receivedAt()));
        m.put("raisedAt", ChinaTime.rfc3339(c.raisedAt()));
        m.put("attempts", c.attempts());
        m.put("lastError", c.lastError());
        return m;
    }
}
