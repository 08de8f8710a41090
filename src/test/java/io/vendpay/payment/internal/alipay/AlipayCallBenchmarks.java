package io.vendpay.payment.internal.alipay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.alipay.api.AlipayApiException;
import com.alipay.api.AlipayConfig;
import com.alipay.api.DefaultAlipayClient;
import com.alipay.api.domain.AlipayTradePrecreateModel;
import com.alipay.api.internal.parser.json.ObjectJsonParser;
import com.alipay.api.internal.util.AlipaySignature;
import com.alipay.api.request.AlipayTradePrecreateRequest;
import com.alipay.api.response.AlipayTradePrecreateResponse;
import com.sun.net.httpserver.HttpServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CPU of one Alipay call on the platform's side, without the network: the precreate request built and signed,
 * and its answer parsed and verified, through alipay-sdk-java's client (what AlipayChannel used to do) and through
 * {@link AlipayOpenApi} (what it does now); and one whole precreate call each way against a local stand-in of the
 * gateway that answers a signed precreate (plain HTTP, so a new connection costs a TCP handshake here, a TLS one
 * against Alipay). Run with {@code ./mvnw -Pjmh -DskipTests test-compile exec:exec}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AlipayCallBenchmarks {

    private static final String METHOD = "alipay.trade.precreate";
    private static final String NOTIFY_URL = "https://pay.example.com/api/v1/pay/alipay/notify";

    private DefaultAlipayClient sdk;
    private String alipayPublicKey;
    private AlipayOpenApi api;
    private JsonMapper json;
    private String answer;
    private Map<String, String> notice;
    private KeyPair alipay;
    private HttpServer gateway;
    private DefaultAlipayClient sdkOverHttp;
    private AlipayOpenApi apiOverHttp;

    @Setup
    public void setUp() throws Exception {
        // the levels application.yml gave the SDK's loggers while the platform used its client
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        ((Logger) LoggerFactory.getLogger("sdk.biz.info")).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("sdk.biz.err")).setLevel(Level.OFF);
        ((Logger) LoggerFactory.getLogger("sdk.comm.err")).setLevel(Level.WARN);
        var g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair app = g.generateKeyPair();
        alipay = g.generateKeyPair();
        alipayPublicKey = Base64.getEncoder().encodeToString(alipay.getPublic().getEncoded());
        var config = new AlipayConfig();
        config.setServerUrl("http://127.0.0.1:9/gateway.do");
        config.setAppId("2021000000000001");
        config.setPrivateKey(Base64.getEncoder().encodeToString(app.getPrivate().getEncoded()));
        config.setAlipayPublicKey(alipayPublicKey);
        config.setFormat("json");
        config.setCharset("UTF-8");
        config.setSignType("RSA2");
        sdk = new DefaultAlipayClient(config);
        json = JsonMapper.builder().build();
        api = new AlipayOpenApi("http://127.0.0.1:9/gateway.do", "2021000000000001", app.getPrivate(), alipay.getPublic(), 2000, 5000, json);
        String node = "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"V0384632306134597632\","
                + "\"qr_code\":\"https://qr.alipay.com/bax08431ai5kfcqgqu2x0098\"}";
        answer = "{\"alipay_trade_precreate_response\":" + node + ",\"sign\":\"" + sign(node) + "\"}";
        var p = new TreeMap<String, String>(Map.of("app_id", "2021000000000001", "notify_type", "trade_status_sync",
                "out_trade_no", "V0384632306134597632", "trade_no", "2026112722001446880500001234", "trade_status", "TRADE_SUCCESS",
                "total_amount", "3.50", "gmt_payment", "2026-11-27 12:00:05", "seller_id", "2088102177649450",
                "notify_id", "2026112700222120005004001234567890", "subject", "Cola 330ml"));
        p.put("sign", sign(AlipayNotificationVerifier.signedContent(p)));
        p.put("sign_type", "RSA2");
        notice = p;

        byte[] canned = answer.getBytes(StandardCharsets.UTF_8);
        // without it the stand-in's separate header and body writes meet delayed ACKs: 40 ms a call either way
        System.setProperty("sun.net.httpserver.nodelay", "true");
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/gateway.do", x -> {
            x.getRequestBody().readAllBytes();
            x.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
            x.sendResponseHeaders(200, canned.length);
            x.getResponseBody().write(canned);
            x.close();
        });
        gateway.start();
        String url = "http://127.0.0.1:" + gateway.getAddress().getPort() + "/gateway.do";
        config.setServerUrl(url);
        sdkOverHttp = new KeysCheckedOnce(config);
        apiOverHttp = new AlipayOpenApi(url, "2021000000000001", app.getPrivate(), alipay.getPublic(), 2000, 5000, json);
    }

    @TearDown
    public void tearDown() {
        gateway.stop(0);
        apiOverHttp.shutdown();
        api.shutdown();
    }

    /** As AlipayChannel had it: the SDK's per-call check that Alipay's key is not the app's, done once. */
    private static final class KeysCheckedOnce extends DefaultAlipayClient {
        private final boolean same;

        KeysCheckedOnce(AlipayConfig config) throws AlipayApiException {
            super(config);
            this.same = super.checkAlipayPublicKey();
        }

        @Override
        public boolean checkAlipayPublicKey() {
            return same;
        }
    }

    /** The precreate request as the SDK had vendpay build it: a model set by reflection-mapped setters. */
    private static AlipayTradePrecreateRequest sdkPrecreate() {
        var model = new AlipayTradePrecreateModel();
        model.setOutTradeNo("V0384632306134597632");
        model.setTotalAmount("3.50");
        model.setSubject("Cola 330ml");
        model.setTimeExpire("2026-11-27 12:02:00");
        var request = new AlipayTradePrecreateRequest();
        request.setBizModel(model);
        request.setNotifyUrl(NOTIFY_URL);
        return request;
    }

    /** Before, whole call: the SDK's execute (build, sign, a new connection, parse, verify, its log line). */
    @Benchmark
    public String precreateCallSdk() throws Exception {
        return sdkOverHttp.execute(sdkPrecreate()).getQrCode();
    }

    /** Now, whole call: AlipayOpenApi.call on its kept-alive connection. */
    @Benchmark
    public String precreateCallDirect() throws IOException, InterruptedException {
        var biz = new LinkedHashMap<String, String>();
        biz.put("out_trade_no", "V0384632306134597632");
        biz.put("total_amount", "3.50");
        biz.put("subject", "Cola 330ml");
        biz.put("time_expire", "2026-11-27 12:02:00");
        return apiOverHttp.call(METHOD, json.writeValueAsString(biz), NOTIFY_URL).qrCode();
    }

    /** Before: the SDK's request by reflection, its JSON writer, the key parsed from its text, the query built. */
    @Benchmark
    public String precreateRequestSdk() throws Exception {
        return sdk.sdkExecute(sdkPrecreate()).getBody();
    }

    /** Now: biz_content by the shared JsonMapper, the common parameters, one sign with the parsed key, the query. */
    @Benchmark
    public String precreateRequestDirect() {
        var biz = new LinkedHashMap<String, String>();
        biz.put("out_trade_no", "V0384632306134597632");
        biz.put("total_amount", "3.50");
        biz.put("subject", "Cola 330ml");
        biz.put("time_expire", "2026-11-27 12:02:00");
        String bizContent = json.writeValueAsString(biz);
        return AlipayOpenApi.form(api.signedParameters(METHOD, bizContent, NOTIFY_URL, System.currentTimeMillis()))
                + "&biz_content=" + bizContent;
    }

    /** Before: the SDK's reflective parse, its search for the signed text, the key parsed from its text, verify. */
    @Benchmark
    public AlipayTradePrecreateResponse precreateAnswerSdk() throws Exception {
        var request = new AlipayTradePrecreateRequest();
        var parser = new ObjectJsonParser<>(AlipayTradePrecreateResponse.class);
        AlipayTradePrecreateResponse r = parser.parse(answer);
        var signed = parser.getSignItem(request, answer);
        if (!AlipaySignature.rsaCheck(signed.getSignSourceDate(), signed.getSign(), alipayPublicKey, "UTF-8", "RSA2")) {
            throw new IllegalStateException("sdk: signature");
        }
        return r;
    }

    /** Now: one streaming pass for the signed text, verify with the parsed key, bind to a record. */
    @Benchmark
    public AlipayOpenApi.Answer precreateAnswerDirect() {
        return api.verifiedAnswer(METHOD, answer);
    }

    /** Before: a notification checked by the SDK's rsaCheckV1 with the key as text. */
    @Benchmark
    public boolean notificationSdk() throws Exception {
        return AlipaySignature.rsaCheckV1(new HashMap<>(notice), alipayPublicKey, "UTF-8", "RSA2");
    }

    /** Now: AlipayNotificationVerifier's check with the key parsed once. */
    @Benchmark
    public boolean notificationDirect() {
        return AlipayOpenApi.verifies(alipay.getPublic(), AlipayNotificationVerifier.signedContent(notice).getBytes(StandardCharsets.UTF_8),
                notice.get("sign"));
    }

    private String sign(String text) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(alipay.getPrivate());
        s.update(text.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(s.sign());
    }
}
