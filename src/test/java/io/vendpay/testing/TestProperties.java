package io.vendpay.testing;

/** Settings shared by the test contexts, so tests on one store share one context. */
final class TestProperties {

    static final String DATA_DIR = "vendpay.data-dir=${java.io.tmpdir}/vendpay-tests/${random.uuid}";
    static final String SIM_OFF = "vendpay.sim.enabled=false";
    static final String SANDBOX_FAST = "vendpay.sandbox.time-scale=0.01";
    static final String REFUND_FAST = "vendpay.sandbox.refund-delay=200ms";
    static final String RESEND = "vendpay.dispense.resend-after=1s";
    static final String UNKNOWN = "vendpay.dispense.unknown-after=3s";
    static final String SWEEP = "vendpay.payment.sweep-after=1s";
    static final String BROKER = "vendpay.mqtt.embedded-broker=true";
    static final String CLIENT_ID = "vendpay.mqtt.client-id=vendpay-test-${random.uuid}";
    static final String QUERY_AFTER = "vendpay.payment.query-after=2s";
    static final String REFUND_QUERY_AFTER = "vendpay.payment.refund-query-after=1s";

    private TestProperties() {
    }
}
