/**
 * Simulation: everything that stands in for the outside world on the embedded default.
 * The payment-channel sandbox (WeChat Pay v3 wire format with real signatures and AES-GCM,
 * WeChat's retry schedule scaled in time) and a fleet of simulated machines that connect over
 * MQTT, order over signed HTTP, "pay" through the sandbox and dispense with a failure rate.
 * Nothing in here is used when real channel endpoints are configured.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Simulation")
package io.vendpay.sim;
