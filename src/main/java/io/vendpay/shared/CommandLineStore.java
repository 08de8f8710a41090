package io.vendpay.shared;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The store, and nothing else, for a command-line mode (contract section 7): the same
 * configuration sources as the server (application.yml, {@code --name=value}, {@code VENDPAY_...},
 * the embedded default's H2 under {@code vendpay.data-dir}), Flyway run, a DataSource and a
 * JdbcClient; no web server, broker, sandbox or scheduler. A CLI run therefore never competes with
 * a running server for its port or its timers, only for rows.
 */
public final class CommandLineStore {

    private CommandLineStore() {
    }

    /**
     * Starts the minimal context with {@code components} added. {@code springArgs} are the
     * {@code --name=value} arguments meant for Spring.
     */
    public static ConfigurableApplicationContext open(List<String> springArgs, Class<?>... components) {
        var args = new ArrayList<>(springArgs);
        if (args.stream().noneMatch(a -> a.startsWith("--logging.level.root="))) {
            args.add("--logging.level.root=WARN"); // stdout carries the report; the log only what needs a look
        }
        return new SpringApplicationBuilder(Store.class).sources(components)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(true)
                .run(args.toArray(String[]::new));
    }

    /** Splits a mode's own arguments from Spring's {@code --name=value} ones (any name with a dot). */
    public static List<String> springArgs(String[] args) {
        var out = new ArrayList<String>();
        for (String a : args) {
            if (a.startsWith("--") && a.contains("=") && a.substring(0, a.indexOf('=')).contains(".")) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * The mode's own options, from {@code args[from]} on: {@code --name value}, {@code --name=value}
     * whose name has no dot (those with one are {@link #springArgs Spring's}), and each of
     * {@code flags} given as {@code --flag}, mapped to {@code "true"}.
     */
    public static Map<String, String> modeOptions(String[] args, int from, Set<String> flags) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                continue;
            }
            String name = args[i].substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) {
                if (!name.substring(0, eq).contains(".")) {
                    opts.put(name.substring(0, eq), name.substring(eq + 1));
                }
            } else if (flags.contains(name)) {
                opts.put(name, "true");
            } else if (i + 1 < args.length) {
                opts.put(name, args[++i]);
            }
        }
        return opts;
    }

    /** Peak heap in use since the JVM started, in MiB: what {@code -Xmx} had to hold, for a run's report. */
    public static long peakHeapMb() {
        long peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
            FlywayAutoConfiguration.class})
    @Import(Alerts.class)
    static class Store {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
