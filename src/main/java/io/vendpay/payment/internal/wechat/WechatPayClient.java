package io.vendpay.payment.internal.wechat;


import com.wechat.pay.java.core.exception.HttpException;
import com.wechat.pay.java.core.exception.MalformedMessageException;
import com.wechat.pay.java.core.exception.ServiceException;
import com.wechat.pay.java.core.exception.ValidationException;
import com.wechat.pay.java.core.http.HttpClient;
import com.wechat.pay.java.service.payments.nativepay.NativePayService;
import com.wechat.pay.java.service.payments.nativepay.model.Amount;
import com.wechat.pay.java.service.payments.nativepay.model.CloseOrderRequest;
import com.wechat.pay.java.service.payments.nativepay.model.PrepayRequest;
import com.wechat.pay.java.service.payments.nativepay.model.QueryOrderByOutTradeNoRequest;
import com.wechat.pay.java.service.payments.model.Transaction;
import com.wechat.pay.java.service.refund.model.QueryByOutRefundNoRequest;
import com.wechat.pay.java.core.util.GsonUtil;
import com.wechat.pay.java.service.refund.RefundService;
import com.wechat.pay.java.service.refund.model.AmountReq;
import com.wechat.pay.java.service.refund.model.CreateRequest;
import com.wechat.pay.java.service.refund.model.Refund;
import io.vendpay.payment.ChannelException;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.QrCode;
import io.vendpay.payment.internal.ChannelGateway;
import io.vendpay.payment.internal.NotifyUrls;
import io.vendpay.shared.ChinaTime;
import io.vendpay.shared.Failures;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * WeChat Pay v3 through the official SDK (request signing, response verification, models), on
 * the merchant's one HTTP client (see {@link WechatMerchant}).
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.channels.wechat", name = "enabled", havingValue = "true")
class WechatPayClient implements ChannelGateway {

    private final WechatProperties props;
    private final NotifyUrls notifyUrls;
    private final NativePayService nativePay;
    private final RefundService refunds;

    WechatPayClient(WechatProperties props, WechatMerchant merchant, NotifyUrls notifyUrls) {
        this.props = props;
        this.notifyUrls = notifyUrls;
        HttpClient http = merchant.http();
        this.nativePay = new NativePayService.Builder().httpClient(http).build();
        this.refunds = new RefundService.Builder().httpClient(http).build();
    }

    @Override
    public PaymentChannel channel() {
        return PaymentChannel.WECHAT;
    }

    @Override
    public QrCode createQrCode(String orderNo, long amountFen, String description, long expiresAt) {
        var request = new PrepayRequest();
        request.setAppid(props.appid());
        request.setMchid(props.mchid());
        request.setDescription(description.length() > 127 ? description.substring(0, 127) : description);
        request.setOutTradeNo(orderNo);
        request.setTimeExpire(ChinaTime.rfc3339(expiresAt));
        request.setNotifyUrl(notifyUrls.resolve(props.notifyBaseUrl(), WechatProperties.NOTIFY_PATH));
        var amount = new Amount();
        amount.setTotal(Math.toIntExact(amountFen));
        amount.setCurrency("CNY");
        request.setAmount(amount);
        return call("native prepay " + orderNo, () -> new QrCode(nativePay.prepay(request).getCodeUrl()));
    }

    @Override
    public void close(String orderNo) {
        var request = new CloseOrderRequest();
        request.setMchid(props.mchid());
        request.setOutTradeNo(orderNo);
        call("close " + orderNo, () -> {
            nativePay.closeOrder(request);
            return null;
        });
    }

    @Override
    public PaymentStatus query(String orderNo) {
        var request = new QueryOrderByOutTradeNoRequest();
        request.setMchid(props.mchid());
        request.setOutTradeNo(orderNo);
        Transaction t;
        try {
            t = nativePay.queryOrderByOutTradeNo(request);
        } catch (ServiceException e) {
            if ("ORDER_NOT_EXIST".equals(e.getErrorCode()) || "ORDERNOTEXIST".equals(e.getErrorCode())) {
                return PaymentStatus.unknown();
            }
            throw translate("query " + orderNo, e);
        } catch (RuntimeException e) {
            throw translate("query " + orderNo, e);
        }
        String state = t.getTradeState() == null ? "UNKNOWN" : t.getTradeState().name();
        boolean paid = t.getTransactionId() != null && (state.equals("SUCCESS") || state.equals("REFUND"));
        Long amount = t.getAmount() == null || t.getAmount().getTotal() == null ? null : t.getAmount().getTotal().longValue();
        Long paidAt = t.getSuccessTime() == null ? null : java.time.OffsetDateTime.parse(t.getSuccessTime()).toInstant().toEpochMilli();
        return new PaymentStatus(paid, state.equals("CLOSED") || state.equals("REVOKED"), t.getTransactionId(), amount,
                paidAt, state, GsonUtil.getGson().toJson(t));
    }

    @Override
    public RefundAnswer queryRefund(String outRefundNo, String orderNo) {
        var request = new QueryByOutRefundNoRequest();
        request.setOutRefundNo(outRefundNo);
        Refund r = call("refund query " + outRefundNo, () -> refunds.queryByOutRefundNo(request));
        return new RefundAnswer(r.getRefundId(), state(r.getStatus()), r.getStatus() == null ? null : r.getStatus().name());
    }

    @Override
    public RefundAnswer refund(String outRefundNo, String orderNo, String channelTxnId, long totalFen, long refundFen,
                               String reason) {
        var request = new CreateRequest();
        if (channelTxnId != null) {
            request.setTransactionId(channelTxnId);
        } else {
            request.setOutTradeNo(orderNo);
        }
        request.setOutRefundNo(outRefundNo);
        request.setReason(reason);
        request.setNotifyUrl(notifyUrls.resolve(props.notifyBaseUrl(), WechatProperties.REFUND_NOTIFY_PATH));
        var amount = new AmountReq();
        amount.setRefund(refundFen);
        amount.setTotal(totalFen);
        amount.setCurrency("CNY");
        request.setAmount(amount);
        Refund r = call("refund " + outRefundNo, () -> refunds.create(request));
        return new RefundAnswer(r.getRefundId(), state(r.getStatus()), r.getStatus() == null ? null : r.getStatus().name());
    }

    static RefundAnswer.State state(com.wechat.pay.java.service.refund.model.Status status) {
        if (status == null) {
            return RefundAnswer.State.PROCESSING;
        }
        return switch (status) {
            case SUCCESS -> RefundAnswer.State.SUCCEEDED;
            case CLOSED -> RefundAnswer.State.CLOSED;
            case ABNORMAL -> RefundAnswer.State.ABNORMAL;
            case PROCESSING -> RefundAnswer.State.PROCESSING;
        };
    }

    private static <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    private static ChannelException translate(String what, RuntimeException failure) {
        try {
            throw failure;
        } catch (ServiceException e) {
            int status = e.getHttpStatusCode();
            String code = e.getErrorCode();
            boolean retryable = status >= 500 || status == 429 || "SYSTEM_ERROR".equals(code)
                    || "FREQUENCY_LIMITED".equals(code) || "SYSTEMERROR".equals(code);
            return new ChannelException("WeChat Pay refused " + what + ": HTTP " + status + " " + code + " "
                    + e.getErrorMessage(), code, retryable, e);
        } catch (HttpException e) {
            return new ChannelException("WeChat Pay unreachable for " + what + ": " + Failures.rootMessage(e), "NETWORK", true, e);
        } catch (ValidationException | MalformedMessageException | IllegalArgumentException e) {
            // the SDK reports a missing or stale response timestamp as IllegalArgumentException
            return new ChannelException("WeChat Pay answer to " + what + " failed verification: " + e.getMessage(),
                    "BAD_RESPONSE", true, e);
        } catch (RuntimeException e) {
            return new ChannelException("WeChat Pay call " + what + " failed: " + e, "UNEXPECTED", true, e);
        }
    }

}
