package io.vendpay.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

/** The body door's decisions that need no byte of the body: they are made on the headers alone. */
class BoundedBodyFilterTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void aBodyThatDoesNotFitTheHeapBudgetIsShedAsLoadBeforeItIsRead() throws Exception {
        var filter = filter(DataSize.ofKilobytes(1));

        var notify = post("/api/v1/pay/wechat/notify", 2048);
        var notifyAnswer = new MockHttpServletResponse();
        filter.doFilter(notify, notifyAnswer, new MockFilterChain());
        assertThat(notifyAnswer.getStatus()).isEqualTo(503);
        assertThat(notifyAnswer.getHeader("Retry-After")).isEqualTo("1");
        assertThat(notifyAnswer.getContentAsString()).contains("\"code\":\"FAIL\"").contains("\"reason\":\"OVERLOADED\"");

        var device = post("/api/v1/device/orders", 2048);
        var deviceAnswer = new MockHttpServletResponse();
        filter.doFilter(device, deviceAnswer, new MockFilterChain());
        assertThat(deviceAnswer.getStatus()).isEqualTo(429);
        assertThat(deviceAnswer.getContentAsString()).contains("\"code\":\"OVERLOADED\"");

        assertThat(notify.isAsyncStarted() || device.isAsyncStarted()).as("no read started").isFalse();
        assertThat(meters.get("vendpay_http_body_buffered_bytes").gauge().value()).isZero();
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413AndClosesTheConnection() throws Exception {
        var request = post("/api/v1/device/orders", 16 * 1024 + 1);
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();
        filter(DataSize.ofMegabytes(32)).doFilter(request, response, chain);
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        assertThat(response.getContentAsString()).contains("\"code\":\"BODY_TOO_LARGE\"");
        assertThat(chain.getRequest()).as("nothing after the door ran").isNull();
    }

    @Test
    void aWildcardOrUnknownCharsetContentTypeIs415() throws Exception {
        for (String type : new String[] {"*/*", "application/*", "text/*", "application/json; charset=NOPE", "a/b/c", ";;"}) {
            var request = post("/api/v1/admin/devices/d1", 2);
            request.setContentType(type);
            var response = new MockHttpServletResponse();
            filter(DataSize.ofMegabytes(32)).doFilter(request, response, new MockFilterChain());
            assertThat(response.getStatus()).as(type).isEqualTo(415);
            assertThat(response.getContentAsString()).as(type).contains("\"code\":\"UNSUPPORTED_MEDIA_TYPE\"");
        }
    }

    @Test
    void aRequestWithoutABodyContinuesAtOnceWithAnEmptyOne() throws Exception {
        var request = new MockHttpServletRequest("GET", "/api/v1/device/orders/x");
        request.setServletPath("/api/v1/device/orders/x");
        var chain = new MockFilterChain();
        filter(DataSize.ofMegabytes(32)).doFilter(request, new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).isNotNull();
        assertThat(BoundedBodyFilter.body(request)).isEmpty();
    }

    private BoundedBodyFilter filter(DataSize budget) {
        return new BoundedBodyFilter(new HttpLimits(DataSize.ofKilobytes(64), DataSize.ofKilobytes(16), DataSize.ofKilobytes(256),
                Duration.ofSeconds(10), budget), meters);
    }

    private static MockHttpServletRequest post(String path, int declared) {
        var request = new MockHttpServletRequest("POST", path) {
            @Override
            public long getContentLengthLong() {
                return declared;
            }
        };
        request.setServletPath(path);
        request.setContentType("application/json");
        request.setAsyncSupported(true);
        return request;
    }
}
