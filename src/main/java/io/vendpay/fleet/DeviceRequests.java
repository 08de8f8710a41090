package io.vendpay.fleet;

import jakarta.servlet.http.HttpServletRequest;

/** Reads the device that signed a device API request (set by the device signature filter). */
public final class DeviceRequests {

    static final String ATTRIBUTE = DeviceRequests.class.getName() + ".deviceId";

    private DeviceRequests() {
    }

    /** The verified device id; the filter refuses unsigned requests before any controller runs. */
    public static String deviceId(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        if (id == null) {
            throw new IllegalStateException("Device request reached a controller without a verified signature");
        }
        return (String) id;
    }

    public static void markVerified(HttpServletRequest request, String deviceId) {
        request.setAttribute(ATTRIBUTE, deviceId);
    }
}
