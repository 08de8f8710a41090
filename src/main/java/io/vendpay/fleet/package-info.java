/**
 * Fleet: the machines. Provisioning (operator API), each machine's secret and the signing of its
 * HTTP requests, its slots with physical stock and the stock held by unsettled orders, whether it
 * is online, and the MQTT link that carries commands to it and its events back.
 * <p>
 * API: {@link io.vendpay.fleet.Fleet} (slots and stock holds), {@link io.vendpay.fleet.MachineLink}
 * (send a command), {@link io.vendpay.fleet.DeviceRequests} (who signed this request) and the event
 * {@link io.vendpay.fleet.DispenseResultReported}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Fleet")
package io.vendpay.fleet;
