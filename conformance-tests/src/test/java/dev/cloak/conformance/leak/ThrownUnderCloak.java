package dev.cloak.conformance.leak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of {@code jdk.JavaExceptionThrow}: the message of every exception constructed in the JVM, so
 * exceptions that Cloak makes and a caller swallows, logs or wraps are seen too. At the end, those constructed
 * while production code was on the stack are written out: Cloak's own exceptions and SQL exceptions (Cloak's,
 * or the database's answer to what Cloak sent) to the checked file, whether or not they reached the application;
 * JDK and library exceptions that Cloak provoked (a number format, a parser's lookahead) to an advisory file:
 * they leak only if they leave Cloak, as a cause or in a log, where the other captures see them.
 */
final class ThrownUnderCloak {

    private static final String EVENT = "jdk.JavaExceptionThrow";

    private final Recording recording;

    private ThrownUnderCloak(Recording recording) {
        this.recording = recording;
    }

    /** Starts recording; {@code null} when this JVM has no JFR. */
    static ThrownUnderCloak start() {
        if (!FlightRecorder.isAvailable()) {
            return null;
        }
        Recording r = new Recording();
        r.setName("cloak-leakcheck");
        r.enable(EVENT).withStackTrace();
        r.setToDisk(true);
        r.start();
        return new ThrownUnderCloak(r);
    }

    /**
     * Stops recording and writes the exceptions constructed under Cloak to {@code checked} or {@code advisory}.
     *
     * @return how many exceptions the whole JVM constructed meanwhile
     */
    int finish(Path dir, CaptureFile checked, CaptureFile advisory) throws IOException {
        Path jfr = dir.resolve("exceptions.jfr");
        int all = 0;
        recording.stop();
        recording.dump(jfr);
        recording.close();
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals(EVENT)) {
                    continue;
                }
                all++;
                String thrown = e.getClass("thrownClass") == null ? "?" : e.getClass("thrownClass").getName();
                String under = productionFrame(e);
                boolean cloaks = thrown.startsWith("dev.cloak.") && !thrown.startsWith("dev.cloak.conformance.");
                if (under == null && !cloaks) {
                    continue;
                }
                (checkedWherever(thrown) ? checked : advisory).record(thrown + ": " + e.getString("message")
                        + "\n    constructed under " + under + " on " + (e.getThread() == null ? "?" : e.getThread().getJavaName()));
            }
        }
        Files.deleteIfExists(jfr);
        return all;
    }

    /** Cloak's exceptions, and SQL exceptions of any driver (the database may quote what it was sent). */
    static boolean checkedWherever(String exceptionClass) {
        String simple = exceptionClass.substring(exceptionClass.lastIndexOf('.') + 1);
        return exceptionClass.startsWith("dev.cloak.") || exceptionClass.startsWith("java.sql.")
                || simple.contains("SQL") || exceptionClass.equals("org.h2.message.DbException");
    }

    private static String productionFrame(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return null;
        }
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            String type = f.getMethod().getType().getName();
            if (CloakFrames.isProduction(type)) {
                return type + "." + f.getMethod().getName() + ":" + f.getLineNumber();
            }
        }
        return null;
    }
}
