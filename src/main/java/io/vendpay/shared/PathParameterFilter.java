package io.vendpay.shared;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API paths carrying path parameters ({@code ;name=value}). The servlet container strips them before
 * the controllers see the path, so {@code PUT /api/v1/admin/devices/dev;x} provisioned a device named
 * {@code dev}: the request named one thing and changed another. No contract path has a {@code ;}.
 */
@Configuration(proxyBeanMethods = false)
class PathParameterFilter {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> pathParameters() {
        var filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (request.getRequestURI().indexOf(';') >= 0) {
                    ErrorResponses.write(response, 400, "PATH_INVALID",
                            "The path carries a ';' parameter; API paths are exactly those of the contract, without ';'");
                    return;
                }
                chain.doFilter(request, response);
            }
        };
        var registration = new FilterRegistrationBean<OncePerRequestFilter>(filter);
        registration.addUrlPatterns("/api/*");
        registration.setName("pathParameters");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
