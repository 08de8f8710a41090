package io.vendpay.shared;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The HTTP input layer of the public APIs (issue 9): bounded bodies read without a thread, answers in the
 * endpoint's own type whatever Accept says, and Tomcat's own refusals in the contract's JSON error.
 */
@Configuration(proxyBeanMethods = false)
class HttpInputConfiguration implements WebMvcConfigurer {

    /**
     * Between operator authentication (order 10: an unauthenticated operator request is refused before its body
     * is read) and the device signature (order 20: its admission place is taken only once the body is in).
     */
    @Bean
    FilterRegistrationBean<BoundedBodyFilter> boundedBodies(HttpLimits limits, MeterRegistry meters) {
        var registration = new FilterRegistrationBean<>(new BoundedBodyFilter(limits, meters));
        registration.addUrlPatterns("/api/v1/device/*", "/api/v1/pay/*", "/api/v1/admin/*");
        registration.setName("boundedBodies");
        registration.setOrder(15);
        return registration;
    }

    /**
     * The APIs answer their own type and ignore Accept: a machine or a channel that sends {@code Accept: text/html}
     * gets the JSON (or Alipay's text) it would get otherwise, never a 406 rendered after the work was done.
     * The console and the actuator keep the usual negotiation.
     */
    @Override
    public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
        var byHeader = new HeaderContentNegotiationStrategy();
        ContentNegotiationStrategy strategy = request -> {
            HttpServletRequest http = request.getNativeRequest(HttpServletRequest.class);
            if (http != null && http.getRequestURI().startsWith("/api/")) {
                return List.of(MediaType.ALL);
            }
            return byHeader.resolveMediaTypes(request);
        };
        configurer.strategies(List.of(strategy));
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
    }
}
