package dev.cloak.conformance.leak;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/** java.util.logging records (what the JDBC drivers log through JUL), at the levels JUL is configured for. */
final class JulCapture extends Handler {

    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord r) {
        LeakCapture.log("JUL-" + r.getLevel(), String.valueOf(r.getLoggerName()), formatter.formatMessage(r), r.getThrown());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
