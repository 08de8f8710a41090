package io.vendpay.fleet;

/** What a slot sells and for how much. */
public record SlotOffer(String deviceId, String slot, String productId, String productName, long priceFen) {
}
