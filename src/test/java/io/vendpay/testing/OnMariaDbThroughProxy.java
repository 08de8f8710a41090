package io.vendpay.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * As {@link OnMariaDb}, with the application's database behind a {@link TcpProxy} (a bean of the context)
 * that the test can cut: the store outage row of the fault suite (issue 8).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestProperties.DATA_DIR, TestProperties.SIM_OFF, TestProperties.SANDBOX_FAST, TestProperties.REFUND_FAST,
        TestProperties.RESEND, TestProperties.UNKNOWN, TestProperties.SWEEP, TestProperties.BROKER,
        TestProperties.CLIENT_ID, TestProperties.QUERY_AFTER, TestProperties.REFUND_QUERY_AFTER})
@ContextConfiguration(initializers = TestStores.MariaDbThroughProxy.class)
public @interface OnMariaDbThroughProxy {
}
