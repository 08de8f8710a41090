package io.vendpay.console.internal;

import java.util.List;
import java.util.Map;

import io.vendpay.shared.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Operator diagnostics (under the admin token like the rest of {@code /api/v1/admin}). */
@RestController
class ConsoleController {

    private final InvariantAudit audit;
    private final RunStatistics stats;
    private final StoreCeiling ceiling;

    ConsoleController(InvariantAudit audit, RunStatistics stats, StoreCeiling ceiling) {
        this.audit = audit;
        this.stats = stats;
        this.ceiling = ceiling;
    }

    record AuditRequest(Long from, Long to, List<String> paidAtChannel, Long stuckAfterMs) {
    }

    /** {@code GET /api/v1/admin/audit?from=&to=} (epoch ms of order creation; default: everything). */
    @GetMapping("/api/v1/admin/audit")
    Map<String, Long> audit(@RequestParam(defaultValue = "0") long from, @RequestParam(defaultValue = "" + Long.MAX_VALUE) long to,
                            @RequestParam(defaultValue = "600000") long stuckAfterMs) {
        return audit.run(from, to, List.of(), stuckAfterMs);
    }

    /** As GET, plus the order numbers the caller saw the channel confirm, to count payments vendpay never recorded. */
    @PostMapping("/api/v1/admin/audit")
    Map<String, Long> audit(@RequestBody AuditRequest r) {
        return audit.run(r.from() == null ? 0 : r.from(), r.to() == null ? Long.MAX_VALUE : r.to(),
                r.paidAtChannel() == null ? List.of() : r.paidAtChannel(), r.stuckAfterMs() == null ? 600_000 : r.stuckAfterMs());
    }

    @GetMapping("/api/v1/admin/stats")
    Map<String, Object> stats(@RequestParam long from, @RequestParam(defaultValue = "" + Long.MAX_VALUE) long to) {
        return stats.of(from, to);
    }

    /** Runs the store ceiling probe for {@code seconds} (1 to 30): it loads the store, so not during a rush. */
    @PostMapping("/api/v1/admin/store-ceiling")
    Map<String, Object> ceiling(@RequestParam(defaultValue = "5") int seconds) throws Exception {
        if (seconds < 1 || seconds > 30) {
            throw ApiException.badRequest("BAD_PARAMETER", "seconds must be 1 to 30");
        }
        return ceiling.measure(seconds);
    }
}
