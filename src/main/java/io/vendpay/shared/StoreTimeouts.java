package io.vendpay.shared;

import java.time.Duration;
import java.util.Locale;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Bounded waits on a MariaDB/MySQL store, so that a store that stops answering (a black hole: a switch
 * or firewall dropping packets, issue 8) cannot hold a request thread longer than the channels wait for
 * an answer. Without them the driver waits on its socket forever: a statement in flight when the network
 * went, or a connection attempt whose handshake never comes, hung the device API past any deadline.
 * Added to the server's store URL where it sets none (the URL wins); HikariCP's own bounds (connection
 * and validation timeouts) are in application.yml.
 * <p>
 * Server only: the command-line modes (reconcile, bench audit) open the store through
 * {@link CommandLineStore}, which does not scan for this, because their statements run for minutes on
 * purpose. The server's own long statements lift the bound on their connection ({@link LongStatements}).
 */
@Component
class StoreTimeouts implements BeanPostProcessor {

    /**
     * @param connectTimeout TCP connect and handshake of a new connection ({@code vendpay.store.connect-timeout})
     * @param socketTimeout  the longest a statement waits for the store's answer ({@code vendpay.store.socket-timeout}):
     *                       a hot-path statement takes milliseconds even at a lunch rush, and 5 s keeps a notification's
     *                       answer about within the 5 s WeChat waits for it
     */
    record Bounds(@DefaultValue("2s") Duration connectTimeout, @DefaultValue("5s") Duration socketTimeout) {
    }

    private final Bounds bounds;

    StoreTimeouts(Environment env) {
        this.bounds = Binder.get(env).bindOrCreate("vendpay.store", Bounds.class);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
            pool.setJdbcUrl(bounded(pool.getJdbcUrl(), bounds));
        }
        return bean;
    }

    static String bounded(String url, Bounds b) {
        if (!url.startsWith("jdbc:mariadb:") && !url.startsWith("jdbc:mysql:")) {
            return url;     // H2 runs in this process or beside it: no network to lose
        }
        String out = withOption(url, "connectTimeout", b.connectTimeout().toMillis());
        return withOption(out, "socketTimeout", b.socketTimeout().toMillis());
    }

    private static String withOption(String url, String key, long value) {
        int query = url.indexOf('?');
        if (query >= 0) {
            String lower = url.substring(query).toLowerCase(Locale.ROOT);
            String k = key.toLowerCase(Locale.ROOT) + "=";
            if (lower.startsWith("?" + k) || lower.contains("&" + k)) {
                return url;
            }
        }
        return url + (query < 0 ? "?" : "&") + key + "=" + value;
    }
}
