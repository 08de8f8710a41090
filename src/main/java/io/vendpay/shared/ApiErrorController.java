package io.vendpay.shared;

import java.nio.charset.StandardCharsets;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet error page ({@code /error}): what an error that escaped the controllers' advice (a filter's
 * exception, a {@code sendError}) answers. Always the contract's JSON error, or the channel's failure format
 * on a notify path, whatever the Accept header asked for: Spring Boot's default answers HTML to a browser's
 * Accept and a 406 to anything it cannot render (issue 9 item 6). No stack trace, no exception text.
 */
@RestController
class ApiErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<byte[]> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        ApiAnswers format = ApiAnswers.forPath(uri instanceof String s ? s : null);
        var answer = ResponseEntity.status(status).header(HttpHeaders.CONTENT_TYPE, format.contentType());
        if (format == ApiAnswers.ALIPAY_NOTIFY) {
            answer.header("X-Vendpay-Reason", ApiAnswers.codeFor(status));
        }
        return answer.body(format.body(ApiAnswers.codeFor(status), ApiAnswers.messageFor(status)).getBytes(StandardCharsets.UTF_8));
    }
}
