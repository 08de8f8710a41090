package io.vendpay;

import io.vendpay.shared.NativeCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Tells the operator, once, where everything is: the address, the token, the store, the broker, the crypto provider. */
@Component
class StartupReport {

    private static final Logger log = LoggerFactory.getLogger("vendpay");

    @EventListener
    void on(ApplicationReadyEvent ready) {
        Environment env = ready.getApplicationContext().getEnvironment();
        int port = ready.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort() : -1;
        String url = env.getProperty("spring.datasource.url", "");
        String store = url.startsWith("jdbc:h2:") ? "embedded H2 at " + url.substring("jdbc:h2:file:".length()).split(";")[0]
                : url.replaceAll("(?i)password=[^&;]*", "password=***");
        log.info("event=ready url=http://127.0.0.1:{} store=\"{}\" mqtt={} crypto={} sandbox={} simulated_machines={}", port, store,
                env.getProperty("vendpay.mqtt.url"), NativeCrypto.inUse().name(), env.getProperty("vendpay.sandbox.enabled"),
                Boolean.parseBoolean(env.getProperty("vendpay.sim.enabled", "true"))
                        && Boolean.parseBoolean(env.getProperty("vendpay.sandbox.enabled")) ? env.getProperty("vendpay.sim.machines", "5") : "0");
        String tokenFile = env.getProperty("vendpay.admin.token-file");
        if (Boolean.parseBoolean(env.getProperty("vendpay.admin.token-generated", "false"))) {
            log.info("event=admin_token_generated token={} file={} (shown once; use it as Authorization: Bearer <token>)",
                    env.getProperty("vendpay.admin.token"), tokenFile);
        } else if (tokenFile != null) {
            log.info("event=admin_token file={}", tokenFile);
        }
        log.info("event=try_it command=\"curl -s -H 'Authorization: Bearer '$(cat {}) http://127.0.0.1:{}/api/v1/admin/orders?limit=5\"",
                tokenFile == null ? "<token-file>" : tokenFile, port);
    }
}
