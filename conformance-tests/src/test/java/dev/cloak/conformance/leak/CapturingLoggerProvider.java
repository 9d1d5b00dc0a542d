package dev.cloak.conformance.leak;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of the conformance tests (system property {@code slf4j.provider}): every logger records
 * its lines in the {@link LeakCapture} — Cloak's ({@code dev.cloak.*}) at every level down to TRACE, the
 * others at the level the console shows them — and hands them to slf4j-simple, configured as before by
 * {@code simplelogger.properties}, for the console.
 */
public final class CapturingLoggerProvider implements SLF4JServiceProvider {

    private final SimpleServiceProvider console = new SimpleServiceProvider();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private ILoggerFactory loggers;

    @Override
    public void initialize() {
        console.initialize();
        ILoggerFactory consoleLoggers = console.getLoggerFactory();
        Map<String, Logger> byName = new ConcurrentHashMap<>();
        loggers = name -> byName.computeIfAbsent(name, n -> new CapturingLogger(n, consoleLoggers.getLogger(n)));
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
