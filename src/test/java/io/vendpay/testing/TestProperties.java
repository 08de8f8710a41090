package io.vendpay.testing;

/** Settings shared by the test contexts, so tests on one store share one context. */
public final class TestProperties {

    public static final String DATA_DIR = "vendpay.data-dir=${java.io.tmpdir}/vendpay-tests/${random.uuid}";
    public static final String SIM_OFF = "vendpay.sim.enabled=false";
    public static final String SANDBOX_FAST = "vendpay.sandbox.time-scale=0.01";
    public static final String REFUND_FAST = "vendpay.sandbox.refund-delay=200ms";
    public static final String RESEND = "vendpay.dispense.resend-after=1s";
    /**
     * Long enough that a CI machine stalling for a few seconds between a payment and the broker's
     * acknowledgement of its command does not add a NO_ANSWER to stories tests compare exactly
     * (a 3-s setting did once); short enough for the tests that wait for DISPENSE_UNKNOWN.
     */
    public static final String UNKNOWN = "vendpay.dispense.unknown-after=6s";
    public static final String SWEEP = "vendpay.payment.sweep-after=1s";
    public static final String BROKER = "vendpay.mqtt.embedded-broker=true";
    public static final String CLIENT_ID = "vendpay.mqtt.client-id=vendpay-test-${random.uuid}";
    public static final String QUERY_AFTER = "vendpay.payment.query-after=2s";
    public static final String REFUND_QUERY_AFTER = "vendpay.payment.refund-query-after=1s";
    /** Bench runs drain within seconds: unpaid orders expire fast, offline machines go unknown fast. */
    public static final String BENCH_TIMERS_1 = "vendpay.ordering.payment-timeout=8s";
    public static final String BENCH_TIMERS_2 = "vendpay.dispense.unknown-after=4s";
    public static final String BENCH_TIMERS_3 = "vendpay.dispense.resend-after=1s";
    public static final String SIMULATOR_USER = "vendpay.mqtt.simulator-username=bench-sim";
    public static final String SIMULATOR_PASSWORD = "vendpay.mqtt.simulator-password=bench-sim-secret";

    private TestProperties() {
    }
}
