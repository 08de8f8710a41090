package io.vendpay;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * vendpay: one jar. Without a mode argument it serves (contract section 7); with one
 * ({@code bench}, {@code reconcile}, {@code sandbox ...}) it runs that command-line mode
 * with the same configuration sources and exits with its status.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class VendpayApplication {

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-")) {
            System.exit(CommandLineModes.run(args[0], Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(VendpayApplication.class, args);
    }
}
