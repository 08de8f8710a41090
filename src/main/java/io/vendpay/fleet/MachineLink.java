package io.vendpay.fleet;

import java.util.concurrent.CompletableFuture;

/** The platform's side of the MQTT link to machines. */
public interface MachineLink {

    /**
     * Publishes {@code payload} to {@code vend/{deviceId}/cmd} with QoS 1. Completes when the broker
     * has taken the message (PUBACK), exceptionally when the link is down or the broker refused it.
     */
    CompletableFuture<Void> sendCommand(String deviceId, byte[] payload);

    /**
     * The link is up and the broker has granted its subscription to machine events: commands can
     * go out and results come in. Connecting is asynchronous (a broker outage never blocks start-up),
     * so this is {@code false} for a moment after every start and reconnect.
     */
    boolean connected();
}
