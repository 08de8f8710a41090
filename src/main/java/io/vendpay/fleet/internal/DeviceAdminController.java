package io.vendpay.fleet.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.vendpay.shared.ApiException;
import io.vendpay.shared.ChinaTime;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Operator API for machines (contract section 1). */
@RestController
class DeviceAdminController {

    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern SLOT = Pattern.compile("[A-Za-z0-9]{1,8}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DeviceRepository devices;
    private final SlotRepository slots;
    private final DeviceSecrets secrets;
    private final MachinePresence presence;
    private final TransactionTemplate tx;
    private final MachineSessions sessions;

    DeviceAdminController(DeviceRepository devices, SlotRepository slots, DeviceSecrets secrets,
                          MachinePresence presence, TransactionTemplate tx, MachineSessions sessions) {
        this.sessions = sessions;
        this.devices = devices;
        this.slots = slots;
        this.secrets = secrets;
        this.presence = presence;
        this.tx = tx;
    }

    record SlotSpec(String slot, String productId, String productName, Long priceFen, Integer stock, Integer capacity) {
    }

    record DeviceSpec(String name, String location, List<SlotSpec> slots) {
    }

    /**
     * @param sessionsEnded after a rotation only: whether every MQTT session opened with the old secret was ended
     *                      ({@link MachineSessions}); {@code false} means an external broker does not know the new secret yet
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Provisioned(String deviceId, String secret, Boolean sessionsEnded) {
    }

    @PutMapping("/api/v1/admin/devices/{deviceId}")
    ResponseEntity<Provisioned> provision(@PathVariable String deviceId, @RequestBody DeviceSpec spec,
                                          @RequestParam(defaultValue = "false") boolean rotateSecret) {
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            throw ApiException.badRequest("DEVICE_ID_INVALID", "deviceId must be 1 to 32 of [A-Za-z0-9_-]");
        }
        List<SlotRepository.SlotRow> wanted = validate(spec);
        long now = System.currentTimeMillis();
        boolean[] rotated = {false};
        String secret = tx.execute(status -> {
            var existing = devices.find(deviceId);
            if (existing.isEmpty()) {
                String fresh = newSecret();
                try {
                    devices.insert(deviceId, spec.name(), text(spec.location()), fresh, now);
                    slots.insertSlots(deviceId, wanted);
                    return fresh;
                } catch (DuplicateKeyException raced) {
                    existing = devices.find(deviceId);
                }
            }
            String fresh = rotateSecret ? newSecret() : null;
            devices.update(deviceId, spec.name(), text(spec.location()), fresh, now);
            slots.replaceSlots(deviceId, wanted);
            rotated[0] = fresh != null;
            return fresh != null ? fresh : existing.orElseThrow().secret();
        });
        secrets.provisioned(deviceId, secret);
        Boolean ended = rotated[0] ? sessions.endAll(deviceId, secret) : null;
        return ResponseEntity.ok(new Provisioned(deviceId, secret, ended));
    }

    @GetMapping("/api/v1/admin/devices/{deviceId}")
    Map<String, Object> device(@PathVariable String deviceId) {
        var device = devices.find(deviceId).orElseThrow(() ->
                ApiException.notFound("DEVICE_NOT_FOUND", "No device " + deviceId + " is provisioned"));
        Long lastSeen = presence.lastSeen(deviceId, device.lastSeenAt());
        List<Map<String, Object>> slotViews = new ArrayList<>();
        for (var s : slots.slotsOf(deviceId)) {
            var v = new java.util.LinkedHashMap<String, Object>();
            v.put("slot", s.slot());
            v.put("productId", s.productId());
            v.put("productName", s.productName());
            v.put("priceFen", s.priceFen());
            v.put("stock", s.stock());
            v.put("capacity", s.capacity());
            v.put("held", s.held());
            v.put("available", Math.max(0, s.stock() - s.held()));
            slotViews.add(v);
        }
        var view = new java.util.LinkedHashMap<String, Object>();
        view.put("deviceId", device.deviceId());
        view.put("name", device.name());
        view.put("location", device.location());
        view.put("online", presence.online(lastSeen, System.currentTimeMillis()));
        view.put("lastSeenAt", ChinaTime.rfc3339OrNull(lastSeen));
        view.put("createdAt", ChinaTime.rfc3339(device.createdAt()));
        view.put("slots", slotViews);
        return view;
    }

    private static List<SlotRepository.SlotRow> validate(DeviceSpec spec) {
        if (spec == null) {
            throw ApiException.badRequest("VALIDATION_FAILED", "A JSON body {\"name\",\"location\",\"slots\"} is required");
        }
        require(spec.name() != null && !spec.name().isBlank() && spec.name().length() <= 128,
                "name is required, at most 128 characters");
        require(spec.location() == null || spec.location().length() <= 255, "location is at most 255 characters");
        require(spec.slots() != null, "slots is required (an empty list is allowed)");
        require(spec.slots().size() <= 200, "at most 200 slots per device");
        var seen = new HashSet<String>();
        var rows = new ArrayList<SlotRepository.SlotRow>();
        for (int i = 0; i < spec.slots().size(); i++) {
            SlotSpec s = spec.slots().get(i);
            String at = "slots[" + i + "].";
            require(s != null, at.substring(0, at.length() - 1) + " is null");
            require(s.slot() != null && SLOT.matcher(s.slot()).matches(), at + "slot must be 1 to 8 of [A-Za-z0-9]");
            require(seen.add(s.slot()), at + "slot " + s.slot() + " appears twice");
            require(s.productId() != null && !s.productId().isBlank() && s.productId().length() <= 64,
                    at + "productId is required, at most 64 characters");
            require(s.productName() != null && !s.productName().isBlank() && s.productName().length() <= 128,
                    at + "productName is required, at most 128 characters");
            require(s.priceFen() != null && s.priceFen() > 0 && s.priceFen() <= 100_000_00L,
                    at + "priceFen must be a positive whole number of fen (at most 10,000,000)");
            require(s.capacity() != null && s.capacity() > 0 && s.capacity() <= 10_000, at + "capacity must be 1 to 10000");
            require(s.stock() != null && s.stock() >= 0 && s.stock() <= s.capacity(), at + "stock must be 0 to capacity");
            rows.add(new SlotRepository.SlotRow(s.slot(), s.productId(), s.productName(), s.priceFen(), s.stock(), s.capacity(), 0));
        }
        return rows;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw ApiException.badRequest("VALIDATION_FAILED", message);
        }
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static String newSecret() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }
}
