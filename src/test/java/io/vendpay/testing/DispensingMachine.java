package io.vendpay.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import tools.jackson.databind.JsonNode;

/**
 * A machine that behaves as contract section 5 says, by itself, across platform restarts: it
 * executes each cmdId at most once, answers a repeated cmdId with its first result, and keeps a
 * result it could not publish until it is connected again. It remembers every vend, so a test can
 * tell an order dispensed twice (a second cmdId) from a command merely re-sent.
 */
public final class DispensingMachine implements AutoCloseable {

    public final String deviceId;
    public final String secret;
    /** orderNo -> every distinct cmdId the machine was ever sent for it. */
    private final Map<String, Set<String>> cmdIds = new ConcurrentHashMap<>();
    /** Commands the previous connection had received and not yet handed to the loop. */
    private final java.util.concurrent.BlockingQueue<JsonNode> carried = new java.util.concurrent.LinkedBlockingQueue<>();
    private final List<JsonNode> unsent = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Every n-th distinct vend jams (0: none); a cmdId's result, once decided, is its answer to every repeat. */
    private final int jamEvery;
    private final Map<String, Boolean> results = new ConcurrentHashMap<>();
    private volatile TestMachine link;
    private final Thread loop;

    private DispensingMachine(TestMachine first, int jamEvery) {
        this.jamEvery = jamEvery;
        this.deviceId = first.deviceId;
        this.secret = first.secret;
        this.link = first;
        this.loop = new Thread(this::run, "machine-" + deviceId);
        loop.setDaemon(true);
        loop.start();
    }

    /** Provisions a machine with {@code stock} units in A1 on {@code platform} and starts it answering ok. */
    public static DispensingMachine provision(Platform platform, int stock) {
        return new DispensingMachine(TestMachine.provision(platform, stock), 0);
    }

    /** As {@link #provision(Platform, int)}, but every {@code jamEvery}-th vend fails (MOTOR_JAM) and must be refunded. */
    public static DispensingMachine provisionJamming(Platform platform, int stock, int jamEvery) {
        return new DispensingMachine(TestMachine.provision(platform, stock), jamEvery);
    }

    public TestMachine http() {
        return link;
    }

    /** Connects again (its broker session, and with it any command queued there, is resumed). */
    public void reconnect(Platform platform) {
        TestMachine old = link;
        old.close();
        carried.addAll(old.drainCommands());
        link = TestMachine.reconnect(platform, deviceId, secret);
    }

    private void run() {
        while (running.get()) {
            TestMachine m = link;
            flushUnsent(m);
            JsonNode command = carried.poll();
            if (command == null) {
                command = m.nextCommand(1);
            }
            if (command == null || !"DISPENSE".equals(command.path("type").asString())) {
                continue;
            }
            String cmdId = command.path("cmdId").asString();
            cmdIds.computeIfAbsent(command.path("orderNo").asString(), k -> ConcurrentHashMap.newKeySet()).add(cmdId);
            results.computeIfAbsent(cmdId, k -> jamEvery == 0 || results.size() % jamEvery != jamEvery - 1);
            // executed once; a repeat of the cmdId is answered with the same result, as the contract says
            synchronized (unsent) {
                unsent.add(command);
            }
            flushUnsent(m);
        }
    }

    private void flushUnsent(TestMachine m) {
        synchronized (unsent) {
            while (!unsent.isEmpty()) {
                try {
                    JsonNode c = unsent.get(0);
                    boolean ok = results.get(c.path("cmdId").asString());
                    m.answer(c, ok, ok ? null : "MOTOR_JAM");
                    unsent.remove(0);
                } catch (RuntimeException notConnected) {
                    return;     // kept: published once the machine is connected again
                }
            }
        }
    }

    /** The distinct cmdIds this machine was sent for {@code orderNo} (contract: at most one). */
    public Set<String> cmdIdsOf(String orderNo) {
        return cmdIds.getOrDefault(orderNo, Set.of());
    }

    /** Orders whose vend failed here (answered ok:false), which must end refunded. */
    public Set<String> jammedOrders() {
        var out = new java.util.HashSet<String>();
        cmdIds.forEach((order, ids) -> ids.forEach(id -> {
            if (Boolean.FALSE.equals(results.get(id))) {
                out.add(order);
            }
        }));
        return out;
    }

    public Map<String, Set<String>> cmdIds() {
        return Map.copyOf(cmdIds);
    }

    @Override
    public void close() {
        running.set(false);
        try {
            loop.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
    }
}
