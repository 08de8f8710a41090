package io.vendpay.reconcile.internal;

import javax.sql.DataSource;

import io.vendpay.shared.Alerts;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * What a reconciliation needs and nothing more: the server picks it up by scanning, the command-line
 * mode imports it into its store-only context. The payment feeder and the operator API are server-only.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReconcileProperties.class)
public class ReconcileCore {

    @Bean
    Reconciler reconciler(DataSource dataSource, JdbcClient jdbc, PlatformTransactionManager tx, ReconcileProperties props,
                          Alerts alerts) {
        return new Reconciler(dataSource, jdbc, tx, props, alerts);
    }
}
