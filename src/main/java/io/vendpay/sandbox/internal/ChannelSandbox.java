package io.vendpay.sandbox.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.vendpay.sandbox.AlipaySandboxCredentials;
import io.vendpay.sandbox.PaymentSandbox;
import io.vendpay.sandbox.SandboxCredentials;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The payment sandbox: one HTTP server of its own (a second embedded Tomcat, so the platform's
 * calls to it never compete with the platform's own request threads, and header names keep the
 * channels' spelling, which the WeChat SDK reads case-sensitively), the channels' books in a
 * store of their own, and the notification sender with each channel's retry schedule.
 * <p>
 * Customer side (not part of any channel's API): {@code POST /sandbox/pay} with
 * {@code {"qrCode": "...", "amountFen": 350, "notify": true}} pays as a scanning customer would.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.sandbox", name = "enabled", havingValue = "true")
public class ChannelSandbox implements PaymentSandbox.Standalone, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChannelSandbox.class);

    private final SandboxProperties props;
    private final JsonMapper json;
    private final SandboxLedger ledger;
    private final SandboxFaults faults = new SandboxFaults();
    private final NotificationDelivery wechatDelivery;
    private final NotificationDelivery alipayDelivery;
    private final WechatSandboxApi wechat;
    private final AlipaySandboxApi alipay;
    private Tomcat server;
    private int port;

    /**
     * A sandbox outside any Spring context: the peak simulator runs one in its own process, so that
     * the channel's work (its RSA signatures above all) is not charged to the server it measures.
     */
    public static PaymentSandbox.Standalone standalone(Path dataDir, int port, double timeScale) {
        // outside Spring, Tomcat logs through java.util.logging; its shutdown leak checks are noise here
        java.util.logging.Logger.getLogger("org.apache").setLevel(java.util.logging.Level.SEVERE);
        var props = new SandboxProperties(true, port, timeScale, java.time.Duration.ofSeconds(1),
                PaymentSandbox.WechatSigning.PUBLIC_KEY, java.time.Duration.ofDays(1), 32);
        var sandbox = new ChannelSandbox(props, JsonMapper.builder().build(), dataDir.toString());
        sandbox.start();
        return sandbox;
    }

    ChannelSandbox(SandboxProperties props, JsonMapper json, @Value("${vendpay.data-dir}") String dataDir) {
        this.props = props;
        this.json = json;
        SandboxCredentials merchant = SandboxCredentials.loadOrCreate(Path.of(dataDir));
        this.ledger = new SandboxLedger(merchant.dir());
        this.wechatDelivery = new NotificationDelivery(props.timeScale(), NotificationDelivery.WECHAT_RETRY_SECONDS,
                NotificationDelivery::wechatAccepted);
        this.wechat = new WechatSandboxApi(new WechatCrypto(merchant), ledger, wechatDelivery, faults, json, props);
        this.alipayDelivery = new NotificationDelivery(props.timeScale(), AlipaySandboxApi.ALIPAY_RETRY_SECONDS,
                AlipaySandboxApi::accepted);
        this.alipay = new AlipaySandboxApi(AlipaySandboxCredentials.loadOrCreate(Path.of(dataDir)), ledger, alipayDelivery,
                faults, json);
    }

    @Override
    public void start() {
        try {
            var tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createTempDirectory("vendpay-sandbox").toString());
            var connector = new Connector();
            connector.setPort(props.port());
            connector.setProperty("address", "127.0.0.1");
            connector.setProperty("maxThreads", Integer.toString(props.threads()));
            connector.setProperty("minSpareThreads", "2");
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", null);
            // The jar's own class loader: the thread's (the JVM's application loader when the bench
            // runs) cannot see Tomcat's classes inside the jar, and Tomcat's leak checks at stop need them.
            context.setParentClassLoader(ChannelSandbox.class.getClassLoader());
            Tomcat.addServlet(context, "sandbox", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    String path = req.getRequestURI();
                    if (path.startsWith("/v3/")) {
                        faults.apiLatency();
                        wechat.handle(req, resp);
                    } else if (path.equals("/gateway.do")) {
                        faults.apiLatency();
                        req.setCharacterEncoding("UTF-8");
                        alipay.handle(req, resp);
                    } else {
                        customer(req, resp);
                    }
                }
            });
            context.addServletMappingDecoded("/*", "sandbox");
            tomcat.start();
            port = connector.getLocalPort();
            server = tomcat;
        } catch (IOException | LifecycleException e) {
            throw new IllegalStateException("Cannot start the payment sandbox on port " + props.port()
                    + "; set vendpay.sandbox.port to a free port", e);
        }
        log.info("event=sandbox.started url={} wechat_mchid={} alipay=/gateway.do time_scale={}", baseUrl(), wechat.mchid(),
                props.timeScale());
    }

    @Override
    public void stop() {
        if (server != null) {
            try {
                server.stop();
                server.destroy();
            } catch (LifecycleException e) {
                log.debug("event=sandbox.stop_failed error=\"{}\"", e.toString());
            }
            server = null;
        }
    }

    /** Stopping pauses the HTTP server only; the books and pending notifications live until the context ends. */
    @jakarta.annotation.PreDestroy
    @Override
    public void close() {
        stop();
        wechatDelivery.close();
        alipayDelivery.close();
        ledger.close();
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public int getPhase() {
        return -100;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    // ---------------------------------------------------------------- customer side

    private void customer(HttpServletRequest req, HttpServletResponse x) throws IOException {
        try {
            if (req.getMethod().equals("POST") && req.getRequestURI().equals("/sandbox/pay")) {
                JsonNode r = json.readTree(req.getInputStream().readAllBytes());
                Long amount = r.hasNonNull("amountFen") ? r.path("amountFen").asLong() : null;
                try {
                    String txn = pay(r.path("qrCode").asString(""), amount, r.path("notify").asBoolean(true),
                            Math.max(1, Math.min(10, r.path("copies").asInt(1))));
                    write(x, 200, json.writeValueAsString(Map.of("transactionId", txn)));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    write(x, 409, json.writeValueAsString(Map.of("code", "CANNOT_PAY", "message", e.getMessage())));
                }
            } else if (req.getMethod().equals("GET") && req.getRequestURI().equals("/sandbox/deliveries")) {
                write(x, 200, json.writeValueAsString(deliveries()));
            } else {
                write(x, 404, "{\"code\":\"NOT_FOUND\"}");
            }
        } catch (RuntimeException e) {
            write(x, 400, json.writeValueAsString(Map.of("code", "BAD_REQUEST", "message", String.valueOf(e.getMessage()))));
        }
    }

    static void write(HttpServletResponse x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.setStatus(status);
        x.setContentType("application/json; charset=utf-8");
        x.setContentLength(bytes.length);
        x.getOutputStream().write(bytes);
    }

    // ---------------------------------------------------------------- PaymentSandbox

    @Override
    public String pay(String qrCode, Long amountFen, boolean notify) {
        return pay(qrCode, amountFen, notify, 1);
    }

    @Override
    public String pay(String qrCode, Long amountFen, boolean notify, int copies) {
        var trade = ledger.tradeByCode(qrCode).orElseThrow(() -> new IllegalArgumentException("unknown QR code"));
        return switch (trade.channel()) {
            case WechatSandboxApi.CHANNEL -> wechat.pay(trade, amountFen, notify, copies);
            case AlipaySandboxApi.CHANNEL -> alipay.pay(trade, amountFen, notify, copies);
            default -> throw new IllegalArgumentException("no sandbox for channel " + trade.channel());
        };
    }

    @Override
    public Optional<SignedRequest> paymentNotification(String outTradeNo) {
        return wechat.paymentNotification(outTradeNo);
    }

    @Override
    public Map<String, Integer> refundRequests() {
        var m = new LinkedHashMap<String, Integer>();
        ledger.refunds(WechatSandboxApi.CHANNEL).forEach(r -> m.put(r.outRefundNo(), r.requests()));
        ledger.refunds(AlipaySandboxApi.CHANNEL).forEach(r -> m.put(r.outRefundNo(), r.requests()));
        return m;
    }

    @Override
    public Map<String, Long> deliveries() {
        return Map.of("attempts", wechatDelivery.attempts() + alipayDelivery.attempts(),
                "failed", wechatDelivery.failures() + alipayDelivery.failures());
    }

    @Override
    public Faults faults() {
        return faults;
    }

    @Override
    public Map<String, String> alipayNotice(String outTradeNo, String tradeStatus) {
        return alipay.notice(outTradeNo, tradeStatus);
    }

    @Override
    public String rotateWechatCertificate() {
        return wechat.rotateCertificate();
    }

    @Override
    public void wechatSigning(WechatSigning signing) {
        wechat.signing(signing);
    }
}
