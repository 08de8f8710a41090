/**
 * Peak simulator: a measuring tool, not product code. {@code vendpay bench} replays a scenario
 * (lunch rush, incident) with a fleet of load machines against a server it starts from the jar (or
 * a given target), the channels played by a sandbox in its own process, then audits and reports
 * through the operator endpoints. See {@code docs/performance.md}.
 * <p>
 * API: {@link io.vendpay.bench.Bench}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Peak simulator", allowedDependencies = {"sandbox", "shared"})
package io.vendpay.bench;
