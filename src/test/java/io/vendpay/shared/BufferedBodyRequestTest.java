package io.vendpay.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** The body the body filter read is what the signature filter and the controller read, whichever way they read it. */
class BufferedBodyRequestTest {

    private static final String BODY = "{\"clientOrderId\":\"c-1\",\"slot\":\"A1\",\"note\":\"冰\"}";

    @Test
    void theReaderGivesTheSignedBody() throws IOException {
        var request = new BufferedBodyRequest(original(), BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(request.getReader().readLine()).isEqualTo(BODY);
    }

    @Test
    void aReadListenerGetsTheWholeBodyThenTheEnd() throws IOException {
        var request = new BufferedBodyRequest(original(), BODY.getBytes(StandardCharsets.UTF_8));
        ServletInputStream in = request.getInputStream();
        var read = new ByteArrayOutputStream();
        List<String> calls = new ArrayList<>();
        in.setReadListener(new ReadListener() {
            @Override
            public void onDataAvailable() throws IOException {
                calls.add("data");
                while (in.isReady() && !in.isFinished()) {
                    read.write(in.read());
                }
            }

            @Override
            public void onAllDataRead() {
                calls.add("end");
            }

            @Override
            public void onError(Throwable t) {
                calls.add("error " + t);
            }
        });
        assertThat(calls).containsExactly("data", "end");
        assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo(BODY);
    }

    private static MockHttpServletRequest original() {
        var r = new MockHttpServletRequest("POST", "/api/v1/device/orders");
        r.setCharacterEncoding("UTF-8");
        return r;
    }
}
