package io.vendpay.sandbox.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vendpay.sandbox.PaymentSandbox;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Where this server's sandbox is ({@code GET /api/v1/admin/sandbox}): for the peak simulator's customers. */
@RestController
@ConditionalOnProperty(prefix = "vendpay.sandbox", name = "enabled", havingValue = "true")
class SandboxAdminController {

    private final PaymentSandbox sandbox;

    SandboxAdminController(PaymentSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @GetMapping("/api/v1/admin/sandbox")
    Map<String, Object> sandbox() {
        var m = new LinkedHashMap<String, Object>();
        m.put("baseUrl", sandbox.baseUrl());
        m.put("deliveries", sandbox.deliveries());
        return m;
    }
}
