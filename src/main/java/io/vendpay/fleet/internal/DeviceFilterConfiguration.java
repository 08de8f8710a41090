package io.vendpay.fleet.internal;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DeviceFilterConfiguration {

    @Bean
    FilterRegistrationBean<DeviceSignatureFilter> deviceSignatureFilter(DeviceSecrets secrets, NonceStore nonces,
                                                                       MeterRegistry meters) {
        var registration = new FilterRegistrationBean<>(new DeviceSignatureFilter(secrets, nonces, meters));
        registration.addUrlPatterns("/api/v1/device/*");
        registration.setName("deviceSignature");
        registration.setOrder(20);
        return registration;
    }
}
