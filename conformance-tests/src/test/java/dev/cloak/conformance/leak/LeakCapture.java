package dev.cloak.conformance.leak;

import dev.cloak.conformance.leak.KeyFiles.RawKey;
import dev.cloak.conformance.leak.LeakChecker.Haystack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Everything the conformance suite's run says, kept for the leak check (issue 4): every log line (Cloak's at
 * TRACE), every exception text the tests see, the messages of exceptions constructed while Cloak code was on the
 * stack ({@link ThrownUnderCloak}), standard output and error, {@code toString()} of Cloak objects, the audit
 * trails of every policy, and — to search for — the plaintexts written to encrypted columns and the raw keys of
 * every test keyring.
 *
 * <p>Captured text goes to files under {@code cloak.leakcheck.dir} ({@code target/leakcheck}), so a failed check
 * can be read afterwards. Lines a library logs or prints outside any Cloak call (the raw driver of a
 * differential test, which is sent plaintext on purpose) go to {@code *-outside-cloak.txt} and are not searched.
 * The state is JVM-wide on purpose: one capture spans every test class of the run (surefire's single fork).
 */
public final class LeakCapture {

    private static final Path DIR = Path.of(System.getProperty("cloak.leakcheck.dir", "target/leakcheck"))
            .toAbsolutePath().normalize();
    private static final Path AUDIT_DIR = DIR.resolve("audit");

    private static final List<String> PROBLEMS = Collections.synchronizedList(new ArrayList<>());
    private static final CaptureFile LOGS;
    private static final CaptureFile LOGS_OUTSIDE;
    private static final CaptureFile EXCEPTIONS;
    private static final CaptureFile CONSOLE;
    private static final CaptureFile CONSOLE_OUTSIDE;
    private static final CaptureFile TO_STRINGS;
    private static final CaptureFile THROWN;
    private static final CaptureFile THROWN_ADVISORY;

    private static final Map<String, Object> PLAINTEXTS = new ConcurrentHashMap<>();
    private static final Map<String, RawKey> KEYS = new ConcurrentHashMap<>();
    private static final AtomicInteger FIXTURES = new AtomicInteger();
    private static final AtomicInteger CLOAK_LOG_LINES = new AtomicInteger();
    private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();

    private static volatile TestPlan plan;
    private static ThrownUnderCloak thrown;
    private static boolean started;
    private static int thrownInJvm = -1;

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
        LOGS = new CaptureFile(DIR, "logs.txt", PROBLEMS);
        LOGS_OUTSIDE = new CaptureFile(DIR, "logs-outside-cloak.txt", PROBLEMS);
        EXCEPTIONS = new CaptureFile(DIR, "exceptions.txt", PROBLEMS);
        CONSOLE = new CaptureFile(DIR, "console.txt", PROBLEMS);
        CONSOLE_OUTSIDE = new CaptureFile(DIR, "console-outside-cloak.txt", PROBLEMS);
        TO_STRINGS = new CaptureFile(DIR, "tostring.txt", PROBLEMS);
        THROWN = new CaptureFile(DIR, "thrown-under-cloak.txt", PROBLEMS);
        THROWN_ADVISORY = new CaptureFile(DIR, "thrown-under-cloak-internal.txt", PROBLEMS);
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
        thrown = ThrownUnderCloak.start();
        if (thrown == null) {
            PROBLEMS.add("JFR is not available in this JVM: exceptions constructed inside Cloak were not recorded");
        }
        System.setOut(ConsoleTee.around(System.out, CONSOLE, CONSOLE_OUTSIDE));
        System.setErr(ConsoleTee.around(System.err, CONSOLE, CONSOLE_OUTSIDE));
        java.util.logging.Logger.getLogger("").addHandler(new JulCapture());
    }

    /** Marks a test or container as started (or skipped), so the check can tell whether anything runs after it. */
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
        boolean cloak = CloakFrames.isProduction(logger + ".");
        if (cloak) {
            CLOAK_LOG_LINES.incrementAndGet();
        }
        String line = level + " " + logger + " [" + Thread.currentThread().getName() + "] - " + message;
        String text = t == null ? line : line + "\n" + ThrowableText.of(t, false);
        (cloak || CloakFrames.onStack() || CloakFrames.madeBy(t) ? LOGS : LOGS_OUTSIDE).record(text);
    }

    /** An exception a test saw from Cloak (caught and checked, or expected): its whole chain. */
    public static void exception(String where, Throwable t) {
        if (t != null) {
            EXCEPTIONS.record("== " + where + "\n" + ThrowableText.of(t, false));
        }
    }

    /** What a failed test threw, without the test's own assertion messages (they quote expected values). */
    public static void testFailure(String test, Throwable t) {
        EXCEPTIONS.record("== failed: " + test + "\n" + ThrowableText.of(t, true));
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

    /** Tests and containers of the plan that have not started yet (dynamic ones count once registered). */
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
        for (CaptureFile f : List.of(LOGS, LOGS_OUTSIDE, EXCEPTIONS, CONSOLE, CONSOLE_OUTSIDE, TO_STRINGS, THROWN, THROWN_ADVISORY)) {
            f.flush();
        }
    }

    /** Stops the JFR recording, writes everything out and returns what was captured. */
    public static synchronized Snapshot finish() {
        if (thrown != null && thrownInJvm < 0) {
            try {
                thrownInJvm = thrown.finish(DIR, THROWN, THROWN_ADVISORY);
            } catch (IOException e) {
                PROBLEMS.add("JFR recording could not be read: " + e);
            }
        }
        List<Haystack> haystacks = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CaptureFile f : List.of(LOGS, EXCEPTIONS, THROWN, TO_STRINGS, CONSOLE)) {
            haystacks.add(new Haystack(f.name(), f.read()));
            counts.put(f.name() + " records", f.records());
        }
        for (CaptureFile f : List.of(THROWN_ADVISORY, LOGS_OUTSIDE, CONSOLE_OUTSIDE)) {
            counts.put(f.name() + " records (not failed)", f.records());
        }
        List<Haystack> advisory = List.of(new Haystack(THROWN_ADVISORY.name(), THROWN_ADVISORY.read()));
        counts.put("Cloak log lines", CLOAK_LOG_LINES.get());
        int auditRecords = 0;
        int auditFiles = 0;
        try (Stream<Path> files = Files.list(AUDIT_DIR)) {
            for (Path f : files.sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
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
        counts.put("exceptions constructed in the JVM (JFR)", thrownInJvm);
        return new Snapshot(DIR, haystacks, advisory, counts, List.copyOf(PLAINTEXTS.values()), List.copyOf(KEYS.values()),
                List.copyOf(PROBLEMS));
    }

    /**
     * What the run captured.
     *
     * @param dir        where the capture files are
     * @param haystacks  every captured text that must hold no leak, by file
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
}
