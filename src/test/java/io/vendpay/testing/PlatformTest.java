package io.vendpay.testing;

import io.vendpay.fleet.MachineLink;
import io.vendpay.sandbox.PaymentSandbox;
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
    @Autowired
    MachineLink link;

    protected Platform platform;

    /**
     * Spring pauses a cached test context when another one is used and restarts it when it comes
     * back: the embedded broker starts again and the platform's MQTT link reconnects asynchronously.
     * A test that pays before the link is back sees its command go out seconds late (CI once did),
     * so each test starts once the link is up and subscribed, as a node that has finished starting is.
     */
    @BeforeEach
    void platform() {
        Platform.awaitLinkUp(link, mqtt);
        platform = new Platform(port, token, mqtt, sandbox, sql);
    }
}
