package io.vendpay.shared;

import java.security.SecureRandom;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SharedConfiguration {

    /**
     * {@code vendpay.node-id}: give each node of a cluster its own number (0..1023). Unset, a
     * random one is drawn; a clash between two nodes is caught by the order table's primary key.
     */
    @Bean
    Ids ids(@Value("${vendpay.node-id:-1}") int nodeId) {
        return new Ids(nodeId >= 0 ? nodeId : new SecureRandom().nextInt(1024));
    }
}
