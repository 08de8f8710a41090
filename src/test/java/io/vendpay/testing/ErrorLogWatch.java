package io.vendpay.testing;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/** Collects every ERROR line (and every line carrying a stack trace) the platform logs while it is open. */
public final class ErrorLogWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<String> seen = new ArrayList<>();

    public static ErrorLogWatch open() {
        var watch = new ErrorLogWatch();
        watch.setName("error-log-watch");
        watch.start();
        root().addAppender(watch);
        return watch;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    protected synchronized void append(ILoggingEvent e) {
        if (e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null) {
            seen.add(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : " [trace: " + e.getThrowableProxy().getClassName() + ": "
                    + e.getThrowableProxy().getMessage() + "]"));
        }
    }

    public synchronized List<String> lines() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }
}
