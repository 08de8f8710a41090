package io.vendpay.sandbox.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled    set by the embedded default: on unless real channel endpoints are configured
 * @param port       the sandbox's own HTTP port (chosen free at start when 0)
 * @param timeScale  multiplies WeChat's retry schedule (15 s, 15 s, 30 s, 3 m, ...); 0.01 makes 15 s into 150 ms
 * @param refundDelay how long the sandbox takes to complete a refund before notifying (before scaling)
 * @param wechatSigning which key signs WeChat answers and notifications: the WeChat Pay public key's
 *                   ({@code PUBLIC_KEY}), the newest platform certificate's ({@code CERTIFICATE}), or a gradual
 *                   switch from the second to the first ({@code MIGRATING}, one step per {@code wechatMigrationStep}
 *                   before scaling)
 */
@ConfigurationProperties("vendpay.sandbox")
public record SandboxProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("0") int port,
        @DefaultValue("1.0") double timeScale,
        @DefaultValue("3s") Duration refundDelay,
        @DefaultValue("PUBLIC_KEY") io.vendpay.sandbox.PaymentSandbox.WechatSigning wechatSigning,
        @DefaultValue("1d") Duration wechatMigrationStep,
        @DefaultValue("8") int threads) {
}
