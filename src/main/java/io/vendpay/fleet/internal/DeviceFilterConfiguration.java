package io.vendpay.fleet.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.shared.LoadShedder;
import io.vendpay.shared.StoreFailures;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DeviceFilterConfiguration {

    /**
     * @param concurrency device requests in progress at once (they hold database connections for part of their time)
     * @param maxWait     how long a request may wait for a place before it is answered 429
     */
    @Bean
    FilterRegistrationBean<DeviceSignatureFilter> deviceSignatureFilter(DeviceSecrets secrets, NonceStore nonces, MeterRegistry meters,
            StoreFailures storeFailures,
            @Value("${vendpay.fleet.device-api-concurrency:24}") int concurrency,
            @Value("${vendpay.fleet.device-api-max-wait:50ms}") java.time.Duration maxWait) {
        var admission = new LoadShedder("device_api", concurrency, maxWait.toMillis(), meters);
        var registration = new FilterRegistrationBean<>(new DeviceSignatureFilter(secrets, nonces, meters, admission, storeFailures));
        registration.addUrlPatterns("/api/v1/device/*");
        registration.setName("deviceSignature");
        registration.setOrder(20);
        return registration;
    }
}
