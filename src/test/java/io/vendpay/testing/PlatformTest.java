package io.vendpay.testing;

import io.vendpay.sim.PaymentSandbox;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Base of the end-to-end tests: gives each test the running {@link Platform}. */
public abstract class PlatformTest {

    @LocalServerPort
    int port;
    @Autowired
    PaymentSandbox sandbox;
    @Autowired
    JdbcClient sql;
    @Value("${vendpay.admin.token}")
    String token;
    @Value("${vendpay.mqtt.url}")
    String mqtt;

    protected Platform platform;

    @BeforeEach
    void platform() {
        platform = new Platform(port, token, mqtt, sandbox, sql);
    }
}
