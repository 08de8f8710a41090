package io.vendpay.payment.internal;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Where channels send notifications. A configured {@code notify-base-url} (the public address the
 * channel can reach) wins; otherwise this server's own local address, which is what the sandbox needs.
 */
@Component
public class NotifyUrls {

    private volatile String localBase;

    @EventListener
    void on(WebServerInitializedEvent event) {
        localBase = "http://127.0.0.1:" + event.getWebServer().getPort();
    }

    public String resolve(String configuredBase, String path) {
        String base = configuredBase != null && !configuredBase.isBlank() ? configuredBase : localBase;
        if (base == null) {
            throw new IllegalStateException("No notify base URL: set notify-base-url for the channel");
        }
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }
}
