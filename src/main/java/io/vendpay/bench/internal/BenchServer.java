package io.vendpay.bench.internal;

/** The vendpay server under load, as the bench reaches it. */
abstract class BenchServer implements AutoCloseable {

    private final String baseUrl;
    private final String adminToken;
    private final String mqttUrl;
    private final String mqttUsername;
    private final String mqttPassword;
    private final String store;

    /**
     * @param mqttUsername the account the bench's machine gateway logs in with (null: anonymous broker)
     * @param store        what the server stores in, for the report
     */
    BenchServer(String baseUrl, String adminToken, String mqttUrl, String mqttUsername, String mqttPassword, String store) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.adminToken = adminToken;
        this.mqttUrl = mqttUrl;
        this.mqttUsername = mqttUsername;
        this.mqttPassword = mqttPassword;
        this.store = store;
    }

    final String baseUrl() {
        return baseUrl;
    }

    final String adminToken() {
        return adminToken;
    }

    final String mqttUrl() {
        return mqttUrl;
    }

    final String mqttUsername() {
        return mqttUsername;
    }

    final String mqttPassword() {
        return mqttPassword;
    }

    final String store() {
        return store;
    }

    /** The channel's customer side: pays a QR code. */
    abstract Customers customers();

    /** The store's own counters, when the bench can read them (a MariaDB it reaches). */
    StoreCounters storeCounters() {
        return StoreCounters.NONE;
    }

    /** CPU seconds of the server's JIT compiler threads so far, or NaN when the bench cannot see them. */
    double jitCpuSeconds() {
        return Double.NaN;
    }

    /** Server process CPU seconds so far, or NaN when the bench cannot see the process. */
    abstract double cpuSeconds();

    @Override
    public abstract void close();

    /** Paying, as the customer does it at the channel. */
    interface Customers {
        /** @return the channel transaction id */
        String pay(String qrCode, boolean notify, int copies) throws Exception;

        /** Notification deliveries the channel attempted so far (including re-sends). */
        long deliveryAttempts() throws Exception;
    }
}
