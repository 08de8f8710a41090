package io.vendpay.sim.internal.bench;

/** The vendpay server under load, as the bench reaches it. */
interface BenchServer extends AutoCloseable {

    String baseUrl();

    String adminToken();

    String mqttUrl();

    /** Account the bench's machine gateway logs in with (null: anonymous broker). */
    String mqttUsername();

    String mqttPassword();

    /** The channel's customer side: pays a QR code. */
    Customers customers();

    /** Server process CPU seconds so far, or NaN when the bench cannot see the process. */
    double cpuSeconds();

    /** What the server stores in, for the report. */
    String store();

    @Override
    void close();

    /** Paying, as the customer does it at the channel. */
    interface Customers {
        /** @return the channel transaction id */
        String pay(String qrCode, boolean notify, int copies) throws Exception;

        /** Notification deliveries the channel attempted so far (including re-sends). */
        long deliveryAttempts() throws Exception;
    }
}
