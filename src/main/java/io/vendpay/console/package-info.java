/**
 * Console: what an operator asks of the running platform as a whole. The invariant audit
 * (contract section 3, checked in the store), run statistics computed from the orders themselves
 * (latencies, completions per second), and the store's commit ceiling. The peak simulator reads
 * the same endpoints, so a team sees in production the numbers it saw in the benchmark.
 * <p>
 * It reads across the other modules' tables on purpose, read-only: an audit must not trust the
 * code it audits.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Console")
package io.vendpay.console;
