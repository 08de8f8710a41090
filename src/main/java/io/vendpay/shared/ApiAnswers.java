package io.vendpay.shared;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The error answer format of each public entry point, for the layers that answer before a controller
 * (Tomcat's own rejections, the body filter, the error page): the contract's {@link ApiError} JSON,
 * except on the notify endpoints, whose callers read their channel's failure format (contract section 4):
 * WeChat's {@code {"code":"FAIL","message":...}} and Alipay's plain {@code fail}. vendpay's stable code
 * travels as {@code reason} (WeChat) or the {@code X-Vendpay-Reason} header (Alipay, which reads only the body).
 */
public enum ApiAnswers {
    API, WECHAT_NOTIFY, ALIPAY_NOTIFY;

    public static final String WECHAT_NOTIFY_PREFIX = "/api/v1/pay/wechat/";
    public static final String ALIPAY_NOTIFY_PREFIX = "/api/v1/pay/alipay/";

    /** By the raw request URI; {@code null} (Tomcat could not parse one) is the API's format. */
    public static ApiAnswers forPath(String uri) {
        if (uri == null) {
            return API;
        }
        if (uri.startsWith(WECHAT_NOTIFY_PREFIX)) {
            return WECHAT_NOTIFY;
        }
        if (uri.startsWith(ALIPAY_NOTIFY_PREFIX)) {
            return ALIPAY_NOTIFY;
        }
        return API;
    }

    public String contentType() {
        return this == ALIPAY_NOTIFY ? "text/plain;charset=UTF-8" : "application/json";
    }

    public String body(String code, String message) {
        return switch (this) {
            case API -> "{\"code\":\"" + ErrorResponses.escape(code) + "\",\"message\":\"" + ErrorResponses.escape(message) + "\"}";
            case WECHAT_NOTIFY -> "{\"code\":\"FAIL\",\"message\":\"" + ErrorResponses.escape(message) + "\",\"reason\":\""
                    + ErrorResponses.escape(code) + "\"}";
            case ALIPAY_NOTIFY -> "fail";
        };
    }

    /** Writes the whole error answer; the caller has not written anything yet. */
    public void write(HttpServletResponse response, int status, String code, String message) throws IOException {
        byte[] body = body(code, message).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        if (this == ALIPAY_NOTIFY) {
            response.setHeader("X-Vendpay-Reason", code);
        }
        response.setContentType(contentType());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A stable code for an HTTP status vendpay did not choose itself (Tomcat's rejections, the error page). */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "MALFORMED_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 408 -> "REQUEST_TIMEOUT";
            case 411 -> "LENGTH_REQUIRED";
            case 413 -> "BODY_TOO_LARGE";
            case 414 -> "URI_TOO_LONG";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 431 -> "HEADERS_TOO_LARGE";
            case 500 -> "INTERNAL_ERROR";
            case 501 -> "NOT_IMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 505 -> "HTTP_VERSION_NOT_SUPPORTED";
            default -> "HTTP_" + status;
        };
    }

    public static String messageFor(int status) {
        return switch (status) {
            case 400 -> "The request is malformed (request line, path encoding or headers); it was not processed";
            case 404 -> "No such path";
            case 405 -> "This method is not allowed on this path";
            case 408 -> "The request did not arrive in time; it was not processed";
            case 413 -> "The request body is larger than this endpoint accepts; it was not processed";
            case 414 -> "The request path is too long; it was not processed";
            case 431 -> "The request headers are too large; they are limited to 8 KB";
            case 500 -> "The platform failed to handle this request; nothing was changed by the failed step. Retry later.";
            case 503 -> "The platform cannot take this request now; retry later";
            default -> "The request was refused with HTTP status " + status;
        };
    }
}
