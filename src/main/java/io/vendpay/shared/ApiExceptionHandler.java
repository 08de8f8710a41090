package io.vendpay.shared;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Renders every error of the public APIs as {@link ApiError}; nothing leaks a stack trace. */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private final StoreFailures storeFailures;

    ApiExceptionHandler(StoreFailures storeFailures) {
        this.storeFailures = storeFailures;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> api(ApiException e) {
        var answer = ResponseEntity.status(e.status());
        if (e.status() == HttpStatus.TOO_MANY_REQUESTS) {
            answer.header(HttpHeaders.RETRY_AFTER, "1");    // contract section 2: a shed request says when to retry
        }
        return answer.body(new ApiError(e.code(), e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().body(new ApiError("MALFORMED_JSON",
                "The request body is not valid JSON of the expected shape: " + Failures.rootMessage(e)));
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<ApiError> badParameter(Exception e) {
        return ResponseEntity.badRequest().body(new ApiError("BAD_PARAMETER", e.getMessage()));
    }

    /**
     * The query string could not be decoded (a broken percent-escape such as {@code ?limit=%ZZ}, bytes that are
     * not UTF-8): Tomcat throws when a parameter is first read.
     */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<ApiError> undecodableParameters(Exception e) {
        return ResponseEntity.badRequest().body(new ApiError("BAD_PARAMETER",
                "The query string could not be decoded: percent-encode it as UTF-8 (RFC 3986)"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .body(new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json"));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
                .body(new ApiError("METHOD_NOT_ALLOWED", e.getMessage()));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiError> noResource(NoResourceFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(new ApiError("NOT_FOUND", "No such path: /" + e.getResourcePath()));
    }

    /**
     * The store failed the request. Unreachable (an outage, issue 8): 503 {@code STORE_UNAVAILABLE} with
     * {@code Retry-After}, counted and logged quietly by {@link StoreFailures}. Busy (a lock wait or deadlock
     * lost to a concurrent request, or every pooled connection in use): 503 {@code STORE_BUSY}; nothing was
     * changed, and a retry will most likely pass. Anything else is a defect.
     */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ApiError> store(Exception e, HttpServletRequest request) {
        if (StoreFailures.isUnavailable(e)) {
            storeFailures.report(place(request), e);
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, StoreFailures.RETRY_AFTER_SECONDS)
                    .body(new ApiError(StoreFailures.CODE, StoreFailures.MESSAGE));
        }
        if (StoreFailures.isBusy(e)) {
            log.warn("event=api.store_busy error=\"{}\"", Failures.rootMessage(e));
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                    .body(new ApiError(StoreFailures.BUSY_CODE, StoreFailures.BUSY_MESSAGE));
        }
        return defect(e);
    }

    private static String place(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return uri.startsWith("/api/v1/device/") ? "device_api" : uri.startsWith("/api/v1/admin/") ? "admin_api" : "api";
    }

    /**
     * Anything else; a store failure wrapped in something else is still one. Spring MVC's own refusals of a
     * request (a missing header, a method argument it cannot bind, ...) carry their 4xx status: they are the
     * client's error and answered as such, quietly, never as a 500 with a stack trace (issue 9).
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e, HttpServletRequest request) {
        if (StoreFailures.isUnavailable(e) || StoreFailures.isBusy(e)) {
            return store(e, request);
        }
        if (e instanceof ErrorResponse refusal && refusal.getStatusCode().is4xxClientError()) {
            int status = refusal.getStatusCode().value();
            log.debug("event=api.refused status={} error=\"{}\"", status, e.toString());
            String detail = refusal.getBody().getDetail();
            return ResponseEntity.status(status).body(new ApiError(ApiAnswers.codeFor(status),
                    detail == null ? ApiAnswers.messageFor(status) : detail));
        }
        return defect(e);
    }

    private ResponseEntity<ApiError> defect(Exception e) {
        log.error("event=api.unexpected_error error={}", e.toString(), e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(new ApiError("INTERNAL_ERROR",
                "The platform failed to handle this request; nothing was changed by the failed step. Retry later."));
    }

}
