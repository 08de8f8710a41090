package io.vendpay.shared;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's error page for what it refuses before any servlet runs (a path with broken percent-encoding,
 * a NUL in a header, headers over the limit: issue 9 item 11), in the contract's JSON error (or the
 * channel's failure format on a notify path) instead of Tomcat's HTML page with its version. Installed
 * as the host's error report valve by {@link HttpInputConfiguration}.
 */
public final class JsonErrorReportValve extends ErrorReportValve {

    public JsonErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String uri = null;
        try {
            uri = request.getRequestURI();
        } catch (RuntimeException unparsable) {
            // the request line itself was the problem: the API's format
        }
        ApiAnswers format = ApiAnswers.forPath(uri);
        try {
            response.setContentType(format.contentType());
            if (format == ApiAnswers.ALIPAY_NOTIFY) {
                response.setHeader("X-Vendpay-Reason", ApiAnswers.codeFor(status));
            }
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(format.body(ApiAnswers.codeFor(status), ApiAnswers.messageFor(status)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the answer was already on its way: nothing more to say
        }
    }
}
