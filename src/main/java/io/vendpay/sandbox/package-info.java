/**
 * Sandbox: a stand-in for the payment channels, not product code. An in-process WeChat Pay v3 and
 * Alipay (their wire formats, real signatures and AES-GCM, their retry schedules scaled in time) with
 * generated merchant keys, the daily bills of what it processed, and synthetic bill days for
 * reconciliation's tests and benchmarks ({@code vendpay sandbox bill}). Off when real channels are configured.
 * <p>
 * API: {@link io.vendpay.sandbox.PaymentSandbox} (how the simulated world and tests drive it), the
 * credentials, {@link io.vendpay.sandbox.SandboxBills} and {@link io.vendpay.sandbox.SandboxCommand}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Payment sandbox", allowedDependencies = "shared")
package io.vendpay.sandbox;
