package io.vendpay.payment.internal.alipay;

import java.security.Security;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

import com.alipay.api.AlipayApiException;
import com.alipay.api.AlipayClient;
import com.alipay.api.AlipayConfig;
import com.alipay.api.AlipayResponse;
import com.alipay.api.DefaultAlipayClient;
import com.alipay.api.domain.AlipayTradeCloseModel;
import com.alipay.api.domain.AlipayTradeFastpayRefundQueryModel;
import com.alipay.api.domain.AlipayTradePrecreateModel;
import com.alipay.api.domain.AlipayTradeQueryModel;
import com.alipay.api.domain.AlipayTradeRefundModel;
import com.alipay.api.request.AlipayTradeCloseRequest;
import com.alipay.api.request.AlipayTradeFastpayRefundQueryRequest;
import com.alipay.api.request.AlipayTradePrecreateRequest;
import com.alipay.api.request.AlipayTradeQueryRequest;
import com.alipay.api.request.AlipayTradeRefundRequest;
import com.alipay.api.response.AlipayTradeFastpayRefundQueryResponse;
import com.alipay.api.response.AlipayTradeQueryResponse;
import com.alipay.api.response.AlipayTradeRefundResponse;
import io.vendpay.payment.ChannelException;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.QrCode;
import io.vendpay.payment.internal.ChannelGateway;
import io.vendpay.payment.internal.NotifyUrls;
import io.vendpay.shared.ChinaTime;
import io.vendpay.shared.Failures;
import io.vendpay.shared.Money;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Alipay 当面付 (precreate QR) through the official SDK, which signs requests (RSA2) and verifies
 * every answer with Alipay's public key. One client serves all calls (it is thread-safe).
 * <p>
 * Three SDK habits are handled here: it only treats an answer as failed when {@code sub_code} is
 * set, so the {@code code} is checked too; it throws unchecked exceptions for malformed answers,
 * which are caught with the checked ones; and loading it clears the JVM-wide
 * {@code jdk.certpath.disabledAlgorithms}, which is restored right after.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.channels.alipay", name = "enabled", havingValue = "true")
class AlipayChannel implements ChannelGateway {

    private static final DateTimeFormatter ALIPAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ChinaTime.ZONE);

    private final AlipayProperties props;
    private final NotifyUrls notifyUrls;
    private final AlipayClient client;

    AlipayChannel(AlipayProperties props, NotifyUrls notifyUrls) throws AlipayApiException {
        props.requireComplete();
        this.props = props;
        this.notifyUrls = notifyUrls;
        String certpath = Security.getProperty("jdk.certpath.disabledAlgorithms");
        try {
            Class.forName("com.alipay.api.AbstractAlipayClient", true, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        } finally {
            if (certpath != null) {
                Security.setProperty("jdk.certpath.disabledAlgorithms", certpath);
            }
        }
        var config = new AlipayConfig();
        config.setServerUrl(props.gatewayUrl());
        config.setAppId(props.appId());
        config.setPrivateKey(AlipayProperties.base64Of(props.appPrivateKey(), "app-private-key"));
        config.setAlipayPublicKey(AlipayProperties.base64Of(props.alipayPublicKey(), "alipay-public-key"));
        config.setFormat("json");
        config.setCharset("UTF-8");
        config.setSignType("RSA2");
        config.setConnectTimeout(props.connectTimeoutMs());
        config.setReadTimeout(props.readTimeoutMs());
        var checked = new KeysCheckedOnce(config);
        if (checked.checkAlipayPublicKey()) {
            throw new IllegalStateException("vendpay.channels.alipay.alipay-public-key is the app's own public key: "
                    + "configure Alipay's public key (from the open platform), not the app's");
        }
        this.client = checked;
    }

    /**
     * The SDK re-checks, before verifying every answer, that the configured Alipay key is not the
     * app's own key: one RSA sign and verify per call, about 1 ms of CPU, for a fact that cannot
     * change while the keys do not. Checked once here instead.
     */
    private static final class KeysCheckedOnce extends DefaultAlipayClient {
        private final boolean alipayKeyIsAppKey;

        KeysCheckedOnce(AlipayConfig config) throws AlipayApiException {
            super(config);
            this.alipayKeyIsAppKey = super.checkAlipayPublicKey();
        }

        @Override
        public boolean checkAlipayPublicKey() {
            return alipayKeyIsAppKey;
        }
    }

    @Override
    public PaymentChannel channel() {
        return PaymentChannel.ALIPAY;
    }

    @Override
    public QrCode createQrCode(String orderNo, long amountFen, String description, long expiresAt) {
        var model = new AlipayTradePrecreateModel();
        model.setOutTradeNo(orderNo);
        model.setTotalAmount(Money.yuan(amountFen));
        model.setSubject(description.length() > 256 ? description.substring(0, 256) : description);
        model.setTimeExpire(ALIPAY_TIME.format(Instant.ofEpochMilli(expiresAt)));
        var request = new AlipayTradePrecreateRequest();
        request.setBizModel(model);
        request.setNotifyUrl(notifyUrls.resolve(props.notifyBaseUrl(), AlipayProperties.NOTIFY_PATH));
        var r = execute("precreate " + orderNo, request);
        require(r, "precreate " + orderNo);
        return new QrCode(r.getQrCode());
    }

    @Override
    public void close(String orderNo) {
        var model = new AlipayTradeCloseModel();
        model.setOutTradeNo(orderNo);
        var request = new AlipayTradeCloseRequest();
        request.setBizModel(model);
        var r = execute("close " + orderNo, request);
        if ("ACQ.TRADE_NOT_EXIST".equals(r.getSubCode())) {
            return; // never scanned: Alipay has no trade, nothing can be paid
        }
        if ("ACQ.TRADE_STATUS_ERROR".equals(r.getSubCode())) {
            throw new ChannelException("Alipay trade " + orderNo + " is paid or finished", "ORDERPAID", false, null);
        }
        require(r, "close " + orderNo);
    }

    @Override
    public PaymentStatus query(String orderNo) {
        var model = new AlipayTradeQueryModel();
        model.setOutTradeNo(orderNo);
        var request = new AlipayTradeQueryRequest();
        request.setBizModel(model);
        AlipayTradeQueryResponse r = execute("query " + orderNo, request);
        if ("ACQ.TRADE_NOT_EXIST".equals(r.getSubCode())) {
            return PaymentStatus.unknown();
        }
        require(r, "query " + orderNo);
        String status = r.getTradeStatus();
        boolean paid = "TRADE_SUCCESS".equals(status) || "TRADE_FINISHED".equals(status);
        Long amount = plainAmount(r.getTotalAmount());
        Long paidAt = r.getSendPayDate() == null ? null : r.getSendPayDate().getTime();
        return new PaymentStatus(paid, "TRADE_CLOSED".equals(status), r.getTradeNo(), amount, paidAt, status, r.getBody());
    }

    @Override
    public RefundAnswer queryRefund(String outRefundNo, String orderNo) {
        var model = new AlipayTradeFastpayRefundQueryModel();
        model.setOutTradeNo(orderNo);
        model.setOutRequestNo(outRefundNo);
        var request = new AlipayTradeFastpayRefundQueryRequest();
        request.setBizModel(model);
        AlipayTradeFastpayRefundQueryResponse r = execute("refund query " + outRefundNo, request);
        require(r, "refund query " + outRefundNo);
        // No refund_status means Alipay has not (yet) refunded: keep asking.
        boolean done = "REFUND_SUCCESS".equals(r.getRefundStatus());
        return new RefundAnswer(null, done ? RefundAnswer.State.SUCCEEDED : RefundAnswer.State.PROCESSING, r.getRefundStatus());
    }

    @Override
    public RefundAnswer refund(String outRefundNo, String orderNo, String channelTxnId, long totalFen, long refundFen,
                               String reason) {
        var model = new AlipayTradeRefundModel();
        model.setOutTradeNo(orderNo);
        model.setRefundAmount(Money.yuan(refundFen));
        model.setOutRequestNo(outRefundNo);
        model.setRefundReason(reason);
        var request = new AlipayTradeRefundRequest();
        request.setBizModel(model);
        AlipayTradeRefundResponse r = execute("refund " + outRefundNo, request);
        require(r, "refund " + outRefundNo);
        // Alipay refunds synchronously. fund_change "N" answers a repeated out_request_no: money moved (or not)
        // on an earlier call; the refund query tells which.
        return "Y".equals(r.getFundChange())
                ? new RefundAnswer(null, RefundAnswer.State.SUCCEEDED, "FUND_CHANGE_Y")
                : new RefundAnswer(null, RefundAnswer.State.PROCESSING, "FUND_CHANGE_N");
    }

    private <T extends AlipayResponse> T execute(String what, com.alipay.api.AlipayRequest<T> request) {
        try {
            return client.execute(request);
        } catch (AlipayApiException e) {
            throw new ChannelException("Alipay call " + what + " failed (network or answer signature): " + Failures.rootMessage(e),
                    "NETWORK", true, e);
        } catch (RuntimeException e) {
            throw new ChannelException("Alipay answer to " + what + " is malformed: " + Failures.rootMessage(e), "BAD_RESPONSE", true, e);
        }
    }

    private static void require(AlipayResponse r, String what) {
        if (r.isSuccess() && "10000".equals(r.getCode())) {
            return;
        }
        String sub = r.getSubCode() == null ? r.getCode() : r.getSubCode();
        boolean retryable = sub == null || sub.contains("SYSTEM_ERROR") || "20000".equals(r.getCode())
                || sub.contains("UNKNOWN") || sub.contains("BUSY");
        throw new ChannelException("Alipay refused " + what + ": " + r.getCode() + " " + sub + " " + r.getSubMsg(),
                sub, retryable, null);
    }


    /** Alipay's yuan amount, or {@code null} when it is not plain yuan above zero (the gateway then trusts no payment). */
    private static Long plainAmount(String yuan) {
        try {
            return yuan == null ? null : Money.positiveFenOf(yuan);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
