package io.vendpay.fleet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vendpay.shared.LoadShedder;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Backpressure at the door: a device request the platform cannot take is shed before any database work. */
class DeviceAdmissionTest {

    @Test
    void aRequestBeyondCapacityIsAnswered429WithRetryAfterAndTouchesNoStore() throws Exception {
        var meters = new SimpleMeterRegistry();
        var full = new LoadShedder("device_api", 1, 0, meters);
        assertThat(full.tryEnter()).isTrue();        // the one place is taken by a request in progress
        // no secrets, no nonce store: any database work would throw
        var filter = new DeviceSignatureFilter(null, null, meters, full, null);
        var request = new MockHttpServletRequest("POST", "/api/v1/device/orders");
        // well-formed headers: the cheap checks pass, and admission is the next step, before the secret's lookup
        request.addHeader("X-Device-Id", "m-1");
        request.addHeader("X-Timestamp", Long.toString(System.currentTimeMillis()));
        request.addHeader("X-Nonce", "0123456789abcdef");
        request.addHeader("X-Signature", "0".repeat(64));
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeader("Retry-After")).isEqualTo("1");
        assertThat(response.getContentAsString()).contains("\"code\":\"OVERLOADED\"");
        assertThat(chain.getRequest()).as("no controller reached").isNull();
        assertThat(meters.get("vendpay_http_shed").tag("endpoint", "device_api").counter().count()).isEqualTo(1);
    }
}
