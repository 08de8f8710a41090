package io.vendpay.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import java.util.LinkedHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.sandbox.PaymentSandbox;
import io.vendpay.testing.Json;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.TestProperties;
import io.vendpay.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * WeChat platform-certificate mode (contract section 4): the verifier chosen per message by
 * {@code Wechatpay-Serial}, certificates downloaded once, one refresh for an unknown serial.
 */
class WechatCertificateModeTest {

    /** Certificates only: no WeChat Pay public key configured. */
    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
            TestProperties.DATA_DIR, TestProperties.SIM_OFF, TestProperties.SANDBOX_FAST, TestProperties.REFUND_FAST,
            TestProperties.RESEND, TestProperties.UNKNOWN, TestProperties.SWEEP, TestProperties.BROKER,
            TestProperties.CLIENT_ID, TestProperties.QUERY_AFTER, TestProperties.REFUND_QUERY_AFTER,
            "vendpay.channels.wechat.platform-public-key=", "vendpay.channels.wechat.platform-public-key-id=",
            "vendpay.channels.wechat.platform-certificates=auto", "vendpay.sandbox.wechat-signing=CERTIFICATE"})
    @ContextConfiguration(initializers = TestStores.MariaDb.class)
    class CertificatesOnly extends PlatformTest {

        @Test
        void aMachineSellsWithEverySignatureVerifiedByADownloadedCertificate() {
            try (var machine = TestMachine.provision(platform, 5)) {
                platform.sell(machine, "WECHAT");
            }
        }
    }

    /** Both keys configured while WeChat migrates the merchant from certificates to the public key. */
    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
            TestProperties.DATA_DIR, TestProperties.SIM_OFF, TestProperties.SANDBOX_FAST, TestProperties.REFUND_FAST,
            TestProperties.RESEND, TestProperties.UNKNOWN, TestProperties.SWEEP, TestProperties.BROKER,
            TestProperties.CLIENT_ID, TestProperties.QUERY_AFTER, TestProperties.REFUND_QUERY_AFTER,
            "vendpay.channels.wechat.platform-certificates=auto", "vendpay.sandbox.wechat-signing=CERTIFICATE",
            "vendpay.channels.wechat.certificate-refresh-min-interval=3s", "vendpay.sandbox.wechat-migration-step=1m"})
    @ContextConfiguration(initializers = TestStores.MariaDb.class)
    class Migrating extends PlatformTest {

        @Autowired
        MeterRegistry meters;

        @AfterEach
        void backToCertificates() {
            platform.sandbox.wechatSigning(PaymentSandbox.WechatSigning.CERTIFICATE);
        }

        @Test
        void ordersSignedWithEitherKeyAreAccepted() {
            try (var machine = TestMachine.provision(platform, 5)) {
                platform.sell(machine, "WECHAT");
                platform.sandbox.wechatSigning(PaymentSandbox.WechatSigning.PUBLIC_KEY);
                platform.sell(machine, "WECHAT");
            }
        }

        @Test
        void aGradualSwitchFromCertificateToPublicKeyLosesNothing() {
            try (var machine = TestMachine.provision(platform, 10)) {
                platform.sandbox.wechatSigning(PaymentSandbox.WechatSigning.MIGRATING);   // 1 min x 0.01: a step per 600 ms
                for (int i = 0; i < 8; i++) {
                    platform.sell(machine, "WECHAT");
                }
            }
        }

        @Test
        void aRotatedCertificateIsFetchedOnceWhenItsSerialFirstAppears() {
            try (var machine = TestMachine.provision(platform, 5)) {
                platform.sell(machine, "WECHAT");        // the startup download has happened
                await().pollDelay(Duration.ofMillis(3_100)).until(() -> true);   // past the minimum refresh interval
                double before = refreshes();
                platform.sandbox.rotateWechatCertificate();

                platform.sell(machine, "WECHAT");
                platform.sell(machine, "WECHAT");

                assertThat(refreshes()).isEqualTo(before + 1);
            }
        }

        @Test
        void aStormOfUnknownSerialsCausesAtMostOneDownload() {
            try (var machine = TestMachine.provision(platform, 5)) {
                platform.sell(machine, "WECHAT");
                JsonNode order = machine.newOrder();
                platform.sandbox.pay(order.path("qrCode").asString(), null, false);
                var genuine = platform.sandbox.paymentNotification(order.path("orderNo").asString()).orElseThrow();
                double before = refreshes();

                for (int i = 0; i < 20; i++) {
                    var headers = new LinkedHashMap<>(genuine.headers());
                    headers.put("Wechatpay-Serial", String.format("%040X", 1000 + i));
                    var answer = platform.post(genuine.path(), headers, genuine.body());
                    assertThat(answer.statusCode()).isEqualTo(401);
                    assertThat(Json.read(answer.body()).path("reason").asString()).isEqualTo("SERIAL_UNKNOWN");
                }

                assertThat(refreshes() - before).isLessThanOrEqualTo(1);
            }
        }

        private double refreshes() {
            return meters.find("vendpay_wechat_certificate_refreshes").counters().stream().mapToDouble(c -> c.count()).sum();
        }
    }
}
