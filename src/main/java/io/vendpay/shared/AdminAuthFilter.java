package io.vendpay.shared;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Operator API authentication: {@code Authorization: Bearer <vendpay.admin.token>} (contract section 1). The
 * actuator's endpoints are the operator's too (metrics, env, ...), except the ones load balancers and scrapers
 * call without a token: {@code health} (and its probes), {@code info} and {@code prometheus}, which stays open
 * so that a Prometheus server scrapes it as usual (docs/operations.md: restrict it at the proxy if needed).
 */
@Configuration(proxyBeanMethods = false)
class AdminAuthFilter {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> adminAuthentication(@Value("${vendpay.admin.token}") String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("vendpay.admin.token is empty: set it, or leave it unset to have one generated");
        }
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        var filter = new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                // the decoded, normalised path Tomcat maps by: /actuator/health/../metrics is /actuator/metrics
                String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
                return openActuatorEndpoint(path);
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String given = request.getHeader("Authorization");
                if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                    ErrorResponses.write(response, 401, given == null ? "ADMIN_TOKEN_MISSING" : "ADMIN_TOKEN_INVALID",
                            "Send Authorization: Bearer <vendpay.admin.token>; the embedded default stores it in <data-dir>/admin-token");
                    return;
                }
                chain.doFilter(request, response);
            }
        };
        var registration = new FilterRegistrationBean<OncePerRequestFilter>(filter);
        registration.addUrlPatterns("/api/v1/admin/*", "/actuator", "/actuator/*");
        registration.setName("adminAuthentication");
        registration.setOrder(10);
        return registration;
    }

    static boolean openActuatorEndpoint(String uri) {
        return uri.equals("/actuator/health") || uri.startsWith("/actuator/health/") || uri.equals("/actuator/info")
                || uri.equals("/actuator/prometheus");
    }
}
