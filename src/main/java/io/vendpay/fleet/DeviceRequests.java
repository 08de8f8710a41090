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

    static final String ADMISSION = DeviceRequests.class.getName() + ".admission";

    /** The filter's hook that gives the request's admission place back (once; later calls do nothing). */
    public static void onLeave(HttpServletRequest request, Runnable leave) {
        request.setAttribute(ADMISSION, leave);
    }

    /**
     * Gives the current device request's admission place back before its work is done: for a part that
     * waits on something else than this platform's CPU and store (a payment channel's round trip), so the
     * places bound the database work they were sized for and not the channels' latency.
     */
    public static void leaveAdmission() {
        if (org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
                instanceof org.springframework.web.context.request.ServletRequestAttributes a
                && a.getRequest().getAttribute(ADMISSION) instanceof Runnable leave) {
            leave.run();
        }
    }
}
