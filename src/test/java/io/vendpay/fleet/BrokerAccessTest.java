package io.vendpay.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The embedded broker: machines log in with their own secret and reach only their own topics. */
@OnMariaDb
class BrokerAccessTest extends PlatformTest {

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    /** A type the contract does not know is counted as {@code other}: a machine cannot mint time series. */
    @Test
    void eventTypesAMachineMakesUpAreCountedAsOther() {
        try (var machine = TestMachine.provision(platform, 1)) {
            double before = otherEvents();
            String madeUp = "MADE_UP_" + java.util.UUID.randomUUID().toString().replace("-", "");
            machine.publish("{\"type\":\"" + madeUp + "\",\"ts\":1}");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> otherEvents() == before + 1);
            assertThat(meters.find("vendpay_machine_events").tag("type", madeUp).counter()).isNull();
        }
    }

    private double otherEvents() {
        var c = meters.find("vendpay_machine_events").tag("type", "other").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aWrongPasswordCannotConnect() {
        try (var machine = TestMachine.provision(platform, 1)) {
            assertThatThrownBy(() -> connect(machine.deviceId, machine.deviceId, "d3Jvbmc=")).isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> connect("impostor", machine.deviceId, machine.secret)).isInstanceOf(MqttException.class);
        }
    }

    /** Issue 9, item 7: a session opened with a secret that was rotated away is ended, and the old secret opens no new one. */
    @Test
    void rotatingASecretEndsEverySessionOpenedWithTheOldOne() throws Exception {
        try (var machine = TestMachine.provision(platform, 1)) {
            MqttClient old = connect(machine.deviceId, machine.deviceId, machine.secret);
            assertThat(old.isConnected()).isTrue();

            var r = platform.admin("PUT", "/api/v1/admin/devices/" + machine.deviceId + "?rotateSecret=true",
                    "{\"name\":\"Test machine\",\"location\":\"Lab\",\"slots\":[{\"slot\":\"A1\",\"productId\":\"cola-330\","
                            + "\"productName\":\"Cola 330ml\",\"priceFen\":350,\"stock\":1,\"capacity\":10}]}");

            assertThat(r.statusCode()).isEqualTo(200);
            String fresh = Json.read(r.body()).path("secret").asString();
            assertThat(fresh).isNotEqualTo(machine.secret);
            assertThat(Json.read(r.body()).path("sessionsEnded").asBoolean(false)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !old.isConnected());
            assertThatThrownBy(() -> connect(machine.deviceId, machine.deviceId, machine.secret)).isInstanceOf(MqttException.class);
            MqttClient renewed = connect(machine.deviceId, machine.deviceId, fresh);
            assertThat(renewed.isConnected()).isTrue();
            renewed.disconnect();
            old.close(true);
        }
    }

    @Test
    void aMachineCannotReadAnotherMachinesCommands() throws Exception {
        try (var victim = TestMachine.provision(platform, 5); var thief = TestMachine.provision(platform, 1)) {
            MqttClient spy = connect(thief.deviceId, thief.deviceId, thief.secret);
            var token = spy.subscribeWithResponse("vend/" + victim.deviceId + "/cmd", 1, (t, m) -> {
                throw new AssertionError("received another machine's command");
            });
            assertThat(token.getGrantedQos()[0]).isEqualTo(0x80);
            for (String wider : new String[] {"vend/+/cmd", "vend/#", "#"}) {
                assertThat(spy.subscribeWithResponse(wider, 1, (t, m) -> {
                    throw new AssertionError("received a command through " + wider);
                }).getGrantedQos()[0]).as("a wildcard over every machine's commands: %s", wider).isEqualTo(0x80);
            }
            var order = victim.newOrder();
            platform.pay(order);
            assertThat(victim.nextCommand(10)).isNotNull();
            spy.disconnect();
        }
    }

    @Test
    void aMachineCannotForgeAnotherMachinesResult() throws Exception {
        try (var victim = TestMachine.provision(platform, 5); var forger = TestMachine.provision(platform, 1)) {
            JsonNode order = victim.newOrder();
            String orderNo = order.path("orderNo").asString();
            platform.pay(order);
            JsonNode command = victim.nextCommand(10);

            String forged = "{\"type\":\"DISPENSE_RESULT\",\"cmdId\":\"" + command.path("cmdId").asString()
                    + "\",\"orderNo\":\"" + orderNo + "\",\"ok\":false,\"reason\":\"FORGED\"}";
            forger.publish(forged);                                  // on its own topic: the platform checks the command's machine
            MqttClient c = connect(forger.deviceId, forger.deviceId, forger.secret);
            var fake = new MqttMessage(forged.getBytes(StandardCharsets.UTF_8));
            fake.setQos(1);
            try {
                c.publish("vend/" + victim.deviceId + "/evt", fake);   // on the victim's topic: the broker refuses it
            } catch (MqttException refusedOrDisconnected) {
                // the broker may drop the publish or the connection; either way it must not arrive
            }
            Thread.sleep(1_000);
            assertThat(platform.status(orderNo)).isIn("PAID", "DISPENSING", "DISPENSE_UNKNOWN");
            assertThat(platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ? AND result_at IS NULL", orderNo)).isEqualTo(1);
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isZero();

            victim.answer(command, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
        }
    }

    /**
     * A machine that connects with its own credentials and a Last Will on another machine's topic would
     * have the broker publish it there when its connection drops: a forged failed result (a refund of a
     * customer who got the goods), a forged success (a refund denied), a forged DISPENSE (a free vend).
     * Each is refused at CONNECT, with "not authorized"; a will on the machine's own topic is accepted.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"result ok:false on the victim's evt", "result ok:true on the victim's evt", "DISPENSE on the victim's cmd"})
    void aWillOnAnotherMachinesTopicIsRefusedAtConnect(String forgery) throws Exception {
        try (var victim = TestMachine.provision(platform, 5); var forger = TestMachine.provision(platform, 1)) {
            JsonNode order = victim.newOrder();
            String orderNo = order.path("orderNo").asString();
            platform.pay(order);
            JsonNode command = victim.nextCommand(10);
            assertThat(command).as(platform.story(orderNo)).isNotNull();
            String cmdId = command.path("cmdId").asString();
            forger.close();     // its own session off: the forger connects again below, with a will
            String topic;
            String will;
            if (forgery.startsWith("DISPENSE")) {
                topic = "vend/" + victim.deviceId + "/cmd";
                will = "{\"type\":\"DISPENSE\",\"cmdId\":\"D-free\",\"orderNo\":\"free\",\"slot\":\"A1\",\"qty\":1,\"ts\":1}";
            } else {
                topic = "vend/" + victim.deviceId + "/evt";
                will = "{\"type\":\"DISPENSE_RESULT\",\"cmdId\":\"" + cmdId + "\",\"orderNo\":\"" + orderNo + "\",\"ok\":"
                        + forgery.contains("ok:true") + ",\"ts\":1}";
            }
            assertThatThrownBy(() -> connectWithWill(forger, topic, will, false))
                    .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                            .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
            assertThatThrownBy(() -> connectWithWill(forger, "vend/" + forger.deviceId + "/evt", "{\"type\":\"HEARTBEAT\"}", true))
                    .as("a retained will, even on its own topic").isInstanceOf(MqttException.class);
            // the control: the same machine, a will on its own topic, connects
            connectWithWill(forger, "vend/" + forger.deviceId + "/evt", "{\"type\":\"HEARTBEAT\",\"ts\":1}", false).disconnect();

            JsonNode next = victim.nextCommand(2);
            assertThat(next == null || next.path("cmdId").asString().equals(cmdId))
                    .as("no command but its own re-send reaches the victim: %s", next).isTrue();
            assertThat(platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ? AND result_at IS NULL", orderNo))
                    .as(platform.story(orderNo)).isEqualTo(1);
            // the machine's own answer decides, whichever way the forgery pointed
            boolean vended = !forgery.contains("ok:true");
            victim.answer(command, vended, vended ? null : "MOTOR_JAM");
            platform.awaitStatus(orderNo, vended ? "DISPENSED" : "REFUNDED", Duration.ofSeconds(15));
        }
    }

    private MqttClient connectWithWill(TestMachine m, String topic, String payload, boolean retained) throws MqttException {
        var c = new MqttClient(platform.mqttUrl(), m.deviceId, new MemoryPersistence());
        var o = new MqttConnectOptions();
        o.setUserName(m.deviceId);
        o.setPassword(m.secret.toCharArray());
        o.setCleanSession(true);
        o.setConnectionTimeout(5);
        o.setWill(topic, payload.getBytes(StandardCharsets.UTF_8), 1, retained);
        try {
            c.connect(o);
        } catch (MqttException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private MqttClient connect(String clientId, String user, String password) throws MqttException {
        var c = new MqttClient(platform.mqttUrl(), clientId, new MemoryPersistence());
        c.setTimeToWait(3_000);   // a refused QoS 1 publish gets no PUBACK: do not wait for it forever
        var o = new MqttConnectOptions();
        o.setUserName(user);
        o.setPassword(password.toCharArray());
        o.setCleanSession(true);
        o.setConnectionTimeout(5);
        c.connect(o);
        return c;
    }
}
