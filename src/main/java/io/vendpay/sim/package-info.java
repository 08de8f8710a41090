/**
 * Simulation: a stand-in for the machines, not product code. The fleet of simulated machines of the
 * one-command start: they connect over MQTT, order over signed HTTP, "pay" through the sandbox and
 * dispense with a failure rate, so the embedded default shows orders flowing. It has no API and talks
 * to the platform only over HTTP and MQTT; off with the sandbox or {@code vendpay.sim.enabled=false}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Simulation", allowedDependencies = {"sandbox", "shared"})
package io.vendpay.sim;
