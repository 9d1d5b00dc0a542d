package dev.cloak.conformance.leak;

import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger that records every line it is enabled for, then passes it to the console logger if that shows it. */
final class CapturingLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final transient Logger console;
    private final boolean cloak;

    CapturingLogger(String name, Logger console) {
        this.name = name;
        this.console = console;
        this.cloak = name.startsWith("dev.cloak.");
    }

    @Override
    public boolean isTraceEnabled() {
        return cloak || console.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return cloak || console.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return cloak || console.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return cloak || console.isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return cloak || console.isErrorEnabled();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        LeakCapture.log(level.name(), name, message, throwable);
        if (console.isEnabledForLevel(level)) {
            // already formatted: passed as a pattern without arguments, which slf4j-simple prints as it is
            switch (level) {
                case ERROR -> console.error(message, throwable);
                case WARN -> console.warn(message, throwable);
                case INFO -> console.info(message, throwable);
                case DEBUG -> console.debug(message, throwable);
                case TRACE -> console.trace(message, throwable);
            }
        }
    }
}
