package dev.cloak.conformance.leak;

import dev.cloak.conformance.leak.KeyFiles.RawKey;
import dev.cloak.conformance.leak.LeakChecker.Haystack;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Everything the conformance suite's run says, kept for the leak check (issue 4): every log line (Cloak's at
 * TRACE), every exception text the tests see, the texts of every exception constructed while Cloak code was on
 * the stack (a JFR recording of {@code jdk.JavaExceptionThrow}), standard output and error, {@code toString()}
 * of Cloak objects, the audit trails of every policy, and — to search for — the plaintexts written to encrypted
 * columns and the raw keys of every test keyring.
 *
 * <p>Captured text goes to files under {@code cloak.leakcheck.dir} ({@code target/leakcheck}), so a failed
 * check can be read afterwards. The state is JVM-wide on purpose: one capture spans every test class of the
 * run (surefire runs them in one JVM).
 */
public final class LeakCapture {

    /** Frames of production code: an exception constructed under one of these was made during a Cloak call. */
    static final List<String> PRODUCTION_PACKAGES =
            List.of("dev.cloak.driver.", "dev.cloak.rewriter.", "dev.cloak.keyring.", "dev.cloak.cli.");

    private static final Path DIR = Path.of(System.getProperty("cloak.leakcheck.dir", "target/leakcheck"))
            .toAbsolutePath().normalize();
    private static final Path AUDIT_DIR = DIR.resolve("audit");
    private static final String JFR_EVENT = "jdk.JavaExceptionThrow";

    private static final Channel LOGS;
    private static final Channel LOGS_OUTSIDE;
    private static final Channel EXCEPTIONS;
    private static final Channel CONSOLE;
    private static final Channel CONSOLE_OUTSIDE;
    private static final Channel TO_STRINGS;
    private static final Channel THROWN;
    private static final Channel THROWN_INTERNALLY;

    private static final Map<String, Object> PLAINTEXTS = new ConcurrentHashMap<>();
    private static final Map<String, RawKey> KEYS = new ConcurrentHashMap<>();
    private static final List<String> PROBLEMS = Collections.synchronizedList(new ArrayList<>());
    private static final AtomicInteger FIXTURES = new AtomicInteger();
    private static final AtomicInteger CLOAK_LOG_LINES = new AtomicInteger();
    private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger THROWN_ALL = new AtomicInteger();

    private static volatile TestPlan plan;
    private static Recording recording;
    private static boolean started;
    private static boolean finished;

    static {
        try {
            Files.createDirectories(AUDIT_DIR);
            try (Stream<Path> old = Files.list(AUDIT_DIR)) {
                for (Path p : old.toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("leak capture directory " + DIR, e);
        }
        LOGS = new Channel("logs.txt");
        LOGS_OUTSIDE = new Channel("logs-outside-cloak.txt");
        EXCEPTIONS = new Channel("exceptions.txt");
        CONSOLE = new Channel("console.txt");
        CONSOLE_OUTSIDE = new Channel("console-outside-cloak.txt");
        TO_STRINGS = new Channel("tostring.txt");
        THROWN = new Channel("thrown-under-cloak.txt");
        THROWN_INTERNALLY = new Channel("thrown-under-cloak-internal.txt");
    }

    private LeakCapture() {
    }

    /** Starts what must run for the whole test plan: the JFR recording, the console tee, the JUL handler. */
    public static synchronized void start(TestPlan testPlan) {
        plan = testPlan;
        if (started) {
            return;
        }
        started = true;
        if (FlightRecorder.isAvailable()) {
            recording = new Recording();
            recording.setName("cloak-leakcheck");
            recording.enable(JFR_EVENT).withStackTrace();
            recording.setToDisk(true);
            recording.start();
        } else {
            PROBLEMS.add("JFR is not available in this JVM: exceptions constructed inside Cloak were not recorded");
        }
        // UTF-8 whatever the locale, so the capture keeps every character a test prints
        Charset charset = StandardCharsets.UTF_8;
        System.setOut(new PrintStream(new Tee(System.out, charset), true, charset));
        System.setErr(new PrintStream(new Tee(System.err, charset), true, charset));
        java.util.logging.Logger.getLogger("").addHandler(new JulCapture());
    }

    /** Marks a test or container as started, so the check can tell whether anything runs after it. */
    public static void started(TestIdentifier id) {
        STARTED.add(id.getUniqueId());
    }

    /**
     * A log line, already formatted, with its throwable's whole chain. Cloak's loggers are always checked; any
     * other logger's line is checked when Cloak code is on the stack (a JDBC driver logging what Cloak sent it)
     * or when its throwable comes from Cloak (a pool logging Cloak's exception). Other lines — the raw driver
     * logging what a test sent it directly, plaintext included — are kept apart and not searched.
     */
    public static void log(String level, String logger, String message, Throwable t) {
        boolean cloak = logger.startsWith("dev.cloak.") && !logger.startsWith("dev.cloak.conformance.");
        if (cloak) {
            CLOAK_LOG_LINES.incrementAndGet();
        }
        String line = level + " " + logger + " [" + Thread.currentThread().getName() + "] - " + message;
        String text = t == null ? line : line + "\n" + describe(t, false);
        (cloak || underCloak() || fromCloak(t) ? LOGS : LOGS_OUTSIDE).record(text);
    }

    /** Whether production Cloak code is on the calling thread's stack. */
    static boolean underCloak() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> isProduction(f.getClassName())));
    }

    /** Whether a throwable, its causes or suppressed ones were made by Cloak (class or stack). */
    static boolean fromCloak(Throwable top) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> todo = new ArrayList<>();
        todo.add(top);
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(0);
            if (t == null || !seen.add(t)) {
                continue;
            }
            if (isProduction(t.getClass().getName())
                    || Stream.of(t.getStackTrace()).anyMatch(e -> isProduction(e.getClassName()))) {
                return true;
            }
            todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
        }
        return false;
    }

    static boolean isProduction(String className) {
        for (String p : PRODUCTION_PACKAGES) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** An exception a test saw from Cloak (caught and checked, or expected): its whole chain. */
    public static void exception(String where, Throwable t) {
        if (t != null) {
            EXCEPTIONS.record("== " + where + "\n" + describe(t, false));
        }
    }

    /** What a failed test threw, without the test's own assertion messages (they quote expected values). */
    public static void testFailure(String test, Throwable t) {
        EXCEPTIONS.record("== failed: " + test + "\n" + describe(t, true));
    }

    /** {@code toString()} of a Cloak object a test made. */
    public static void toStringOf(Object o) {
        if (o != null) {
            TO_STRINGS.record(o.getClass().getName() + " -> " + o);
        }
    }

    /** Values written to (or searched for in) encrypted columns; the check ignores those its rule finds too short. */
    public static void plaintext(Object... values) {
        for (Object v : values) {
            if (v != null) {
                String key = v instanceof byte[] b ? "bytes:" + HexFormat.of().formatHex(b) : v.getClass().getName() + ":" + v;
                PLAINTEXTS.putIfAbsent(key, v instanceof byte[] b ? b.clone() : v);
            }
        }
    }

    /** Registers {@code value} as a plaintext and returns it, for binding inline: {@code ps.setString(2, written(ssn))}. */
    public static <T> T written(T value) {
        plaintext(value);
        return value;
    }

    /** The audit sink a test policy writes to: a file of its own in the capture's audit folder. */
    public static String auditSink(String name) {
        return "file:" + AUDIT_DIR.resolve(name + ".jsonl");
    }

    /** Reads the key material of the keyring files in {@code dir} now, before the test's folder is deleted. */
    public static void harvestKeys(Path dir) {
        KeyFiles.Harvest harvest = KeyFiles.harvest(dir);
        for (RawKey k : harvest.keys()) {
            KEYS.putIfAbsent(HexFormat.of().formatHex(k.bytes()), k);
        }
        PROBLEMS.addAll(harvest.problems());
    }

    /** Counts the fixtures (tests on a database) of this run. */
    public static void fixtureOpened() {
        FIXTURES.incrementAndGet();
    }

    public static int fixtures() {
        return FIXTURES.get();
    }

    /** Tests and containers of the plan that have not started yet (other than dynamic ones not yet registered). */
    public static List<String> notStarted() {
        TestPlan p = plan;
        if (p == null) {
            return List.of("(no test plan: the capture's listener did not run)");
        }
        List<String> pending = new ArrayList<>();
        for (TestIdentifier root : p.getRoots()) {
            for (TestIdentifier d : p.getDescendants(root)) {
                if (!STARTED.contains(d.getUniqueId())) {
                    pending.add(d.getDisplayName() + " [" + d.getUniqueId() + "]");
                }
            }
        }
        return pending;
    }

    /** Writes what is buffered to the capture files. */
    public static void flush() {
        for (Channel c : List.of(LOGS, LOGS_OUTSIDE, EXCEPTIONS, CONSOLE, CONSOLE_OUTSIDE, TO_STRINGS, THROWN, THROWN_INTERNALLY)) {
            c.flush();
        }
    }

    /** Stops capturing exceptions (the JFR recording), writes everything out and returns what was captured. */
    public static synchronized Snapshot finish() {
        if (!finished) {
            finished = true;
            writeThrownUnderCloak();
        }
        flush();
        List<Haystack> haystacks = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Channel c : List.of(LOGS, EXCEPTIONS, THROWN, TO_STRINGS, CONSOLE)) {
            haystacks.add(new Haystack(c.name, read(c.file)));
            counts.put(c.name + " records", c.records.get());
        }
        for (Channel c : List.of(THROWN_INTERNALLY, LOGS_OUTSIDE, CONSOLE_OUTSIDE)) {
            counts.put(c.name + " records (not failed)", c.records.get());
        }
        List<Haystack> advisory = List.of(new Haystack(THROWN_INTERNALLY.name, read(THROWN_INTERNALLY.file)));
        counts.put("Cloak log lines", CLOAK_LOG_LINES.get());
        int auditRecords = 0;
        int auditFiles = 0;
        try (Stream<Path> files = Files.list(AUDIT_DIR)) {
            for (Path f : files.sorted().toList()) {
                String text = read(f);
                haystacks.add(new Haystack("audit/" + f.getFileName(), text));
                if (f.getFileName().toString().endsWith(".jsonl")) {
                    auditFiles++;
                    auditRecords += (int) text.lines().filter(l -> !l.isBlank()).count();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        counts.put("audit trails", auditFiles);
        counts.put("audit records", auditRecords);
        counts.put("fixtures", FIXTURES.get());
        counts.put("exceptions constructed in the JVM (JFR)", THROWN_ALL.get());
        return new Snapshot(DIR, haystacks, advisory, counts, List.copyOf(PLAINTEXTS.values()), List.copyOf(KEYS.values()),
                List.copyOf(PROBLEMS));
    }

    /**
     * What the run captured.
     *
     * @param haystacks  every captured text, by file
     * @param advisory   texts whose leaks are reported but do not fail the check: JDK and library exceptions
     *                   constructed under Cloak that may never have left it (a NumberFormatException of a bad value)
     * @param counts     how much of each kind was captured, to show the capture is not empty
     * @param plaintexts the registered plaintexts
     * @param keys       the raw keys harvested from the tests' keyrings
     * @param problems   what the capture could not do (keys it could not read, JFR missing)
     */
    public record Snapshot(Path dir, List<Haystack> haystacks, List<Haystack> advisory, Map<String, Integer> counts,
                           List<Object> plaintexts, List<RawKey> keys, List<String> problems) {
    }

    /**
     * The JFR exception events that production code was on the stack for, each with where. Cloak's own
     * exceptions and SQLExceptions (Cloak's, or the database's answer to what Cloak sent) go to the checked file,
     * whether or not they reached the application; JDK and library exceptions (parsers, number formats, I/O)
     * that Cloak provoked go to an advisory file: they leak only if they leave Cloak, as a cause or in a log,
     * where the other captures see them.
     */
    private static void writeThrownUnderCloak() {
        if (recording == null) {
            return;
        }
        Path jfr = DIR.resolve("exceptions.jfr");
        int all = 0;
        try {
            recording.stop();
            recording.dump(jfr);
            recording.close();
            try (RecordingFile file = new RecordingFile(jfr)) {
                while (file.hasMoreEvents()) {
                    RecordedEvent e = file.readEvent();
                    if (!e.getEventType().getName().equals(JFR_EVENT)) {
                        continue;
                    }
                    all++;
                    String thrown = e.getClass("thrownClass") == null ? "?" : e.getClass("thrownClass").getName();
                    String under = productionFrame(e);
                    if (under == null && !thrown.startsWith("dev.cloak.") || thrown.startsWith("dev.cloak.conformance.")) {
                        continue;
                    }
                    Channel channel = checkedWherever(thrown) ? THROWN : THROWN_INTERNALLY;
                    channel.record(thrown + ": " + e.getString("message") + "\n    constructed under " + under
                            + " on " + (e.getThread() == null ? "?" : e.getThread().getJavaName()));
                }
            }
            Files.deleteIfExists(jfr);
        } catch (IOException e) {
            PROBLEMS.add("JFR recording could not be read: " + e);
        }
        THROWN_ALL.set(all);
    }

    /** How many exceptions the JFR recording saw in the whole JVM (most of them not under Cloak). */
    public static int exceptionsConstructedInJvm() {
        return THROWN_ALL.get();
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
            if (isProduction(type)) {
                return type + "." + f.getMethod().getName() + ":" + f.getLineNumber();
            }
        }
        return null;
    }

    /**
     * The text of a throwable and everything hanging off it: causes, suppressed, SQLException's next
     * exceptions; for each its toString(), getMessage() and getLocalizedMessage().
     *
     * @param skipAssertions leave out the messages of AssertionErrors (a test's own), but follow their causes
     */
    static String describe(Throwable top, boolean skipAssertions) {
        StringBuilder b = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> todo = new ArrayList<>(List.of(top));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(0);
            if (t == null || !seen.add(t)) {
                continue;
            }
            if (!(skipAssertions && t instanceof AssertionError)) {
                b.append("  ").append(t).append('\n');
                b.append("    message: ").append(t.getMessage()).append('\n');
                if (t.getLocalizedMessage() != null && !t.getLocalizedMessage().equals(t.getMessage())) {
                    b.append("    localized: ").append(t.getLocalizedMessage()).append('\n');
                }
                if (t instanceof SQLException s) {
                    b.append("    SQLState: ").append(s.getSQLState()).append(", vendor code ").append(s.getErrorCode()).append('\n');
                }
            }
            todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
            if (t instanceof SQLException s) {
                todo.add(s.getNextException());
            }
        }
        return b.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One capture file; records are appended in order, flushed at the end. */
    private static final class Channel {
        final String name;
        final Path file;
        final AtomicInteger records = new AtomicInteger();
        private final BufferedWriter out;

        Channel(String name) {
            this.name = name;
            this.file = DIR.resolve(name);
            try {
                this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("leak capture file " + file, e);
            }
        }

        synchronized void record(String text) {
            try {
                out.write(text);
                if (!text.endsWith("\n")) {
                    out.write('\n');
                }
                records.incrementAndGet();
            } catch (IOException e) {
                PROBLEMS.add("capture file " + name + " could not be written: " + e);
            }
        }

        synchronized void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                PROBLEMS.add("capture file " + name + " could not be flushed: " + e);
            }
        }
    }

    /**
     * Copies a console stream to the capture, a line at a time: lines printed while Cloak code is on the stack
     * to the checked file, others (test output, slf4j-simple's copy of log lines the log capture has already
     * judged) apart.
     */
    private static final class Tee extends OutputStream {
        private final PrintStream original;
        private final Charset charset;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        Tee(PrintStream original, Charset charset) {
            this.original = original;
            this.charset = charset;
        }

        @Override
        public synchronized void write(int b) {
            original.write(b);
            capture(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            // one call downstream, as the caller made it: surefire keeps a line of test output together
            original.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                capture(b[i]);
            }
        }

        private void capture(int b) {
            if (b == '\n') {
                (underCloak() ? CONSOLE : CONSOLE_OUTSIDE).record(line.toString(charset));
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }
    }

    /** java.util.logging records (the JDBC drivers' logs) at the levels JUL is configured for. */
    private static final class JulCapture extends Handler {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            log("JUL-" + r.getLevel(), String.valueOf(r.getLoggerName()), formatter.formatMessage(r), r.getThrown());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
