package io.vendpay.fleet.internal;

import java.util.function.BiPredicate;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, at CONNECT, a Last Will the client could not publish itself. A broker publishes a will
 * when the client's connection drops, on the client's behalf; Moquette does so without asking the
 * topic policy, so a machine could leave a will on another machine's topic and have a forged
 * {@code DISPENSE_RESULT} or {@code DISPENSE} published there by dropping its TCP connection. A will
 * is accepted only on a topic the user may publish to, and never retained (a retained event would be
 * replayed to the platform on every subscribe). A refused CONNECT is answered "not authorized" and
 * the connection closed, before the broker has seen it: no session, so no will.
 * <p>
 * Sits in each connection's pipeline after the MQTT decoder, before the broker's handler.
 */
@ChannelHandler.Sharable
final class WillGuard extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(WillGuard.class);

    private final BiPredicate<String, String> mayPublish;

    /** @param mayPublish (topic, username): whether that user may publish on that topic */
    WillGuard(BiPredicate<String, String> mayPublish) {
        this.mayPublish = mayPublish;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttConnectMessage connect && connect.variableHeader().isWillFlag()) {
            String user = connect.payload().userName();
            String topic = connect.payload().willTopic();
            boolean retained = connect.variableHeader().isWillRetain();
            if (retained || user == null || topic == null || !mayPublish.test(topic, user)) {
                log.warn("event=mqtt.will_refused client_id={} user={} will_topic={} retained={} (a will may only go where the"
                        + " client may publish, never retained)", connect.payload().clientIdentifier(), user, topic, retained);
                ReferenceCountUtil.release(msg);
                MqttConnAckMessage refused = MqttMessageBuilders.connAck()
                        .returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED).sessionPresent(false).build();
                ctx.writeAndFlush(refused).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
