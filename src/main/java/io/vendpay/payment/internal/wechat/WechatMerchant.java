package io.vendpay.payment.internal.wechat;

import com.wechat.pay.java.core.RSAPublicKeyConfig;
import com.wechat.pay.java.core.notification.NotificationParser;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The merchant's keys, loaded once: request signing, response and notification verification
 * (WeChat Pay public-key mode) and the APIv3 key for decryption. One {@link NotificationParser}
 * serves every notification; nothing is built or downloaded per request.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.channels.wechat", name = "enabled", havingValue = "true")
class WechatMerchant {

    private final RSAPublicKeyConfig config;
    private final NotificationParser parser;
    private final String publicKeyId;

    WechatMerchant(WechatProperties props) {
        props.requireComplete();
        this.publicKeyId = props.platformPublicKeyId();
        try {
            this.config = new RSAPublicKeyConfig.Builder()
                    .merchantId(props.mchid())
                    .privateKeyFromPath(props.merchantPrivateKey())
                    .merchantSerialNumber(props.merchantSerialNo())
                    .publicKeyFromPath(props.platformPublicKey())
                    .publicKeyId(props.platformPublicKeyId())
                    .apiV3Key(props.apiV3Key())
                    .build();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot load the WeChat Pay merchant keys (merchant-private-key="
                    + props.merchantPrivateKey() + ", platform-public-key=" + props.platformPublicKey() + "): "
                    + e.getMessage(), e);
        }
        this.parser = new NotificationParser(config);
    }

    RSAPublicKeyConfig config() {
        return config;
    }

    NotificationParser parser() {
        return parser;
    }

    /** Whether {@code Wechatpay-Serial} names a key this merchant verifies with. */
    boolean knowsSerial(String serial) {
        return publicKeyId.equals(serial);
    }
}
