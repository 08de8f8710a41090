/**
 * Shared kernel: what every capability needs and none owns. The JSON error shape of the
 * public APIs, operator authentication, bounded worker pools and load shedding, id generation.
 * Nothing here knows about orders, payments or machines.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package io.vendpay.shared;
