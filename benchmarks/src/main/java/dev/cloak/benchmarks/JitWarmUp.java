package dev.cloak.benchmarks;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an operation until HotSpot's JIT compilers have been idle for some rounds in a row, so that a fork is
 * measured on compiled code. On 2 cores shared with PostgreSQL, C2's queue of hot methods can still be draining
 * well after their call counts were reached; a method compiled during measurement was measured interpreted or at C1,
 * and the compiler's own CPU was taken from the workload.
 *
 * <p>Idle means the compiler threads used almost no CPU in a round, read from {@code /proc/self/task/<tid>/schedstat}
 * (Linux). The JVM's total compilation time, which JMX offers everywhere, only grows when a compilation ends: C2
 * compiling a workload with the whole JDBC stack inlined takes seconds, and the rounds in between looked idle
 * ({@code -prof comp} then showed 8 s of compilation inside a 6 s measurement). Where {@code /proc} cannot be read,
 * that total is the fallback.
 */
final class JitWarmUp {

    /** A round counts as idle when the compiler threads used less than this share of it. */
    private static final double IDLE_SHARE = 0.02;
    private static final Path TASKS = Path.of("/proc/self/task");

    /** An operation of a benchmark. */
    interface Operation {
        void run() throws Exception;
    }

    private JitWarmUp() {
    }

    /**
     * Runs {@code operation} in rounds of {@code roundMillis} until the compilers were idle in {@code quietRounds}
     * rounds in a row, or {@code maxMillis} have passed; prints one line saying which, and how long it took.
     */
    static void untilIdle(Operation operation, int quietRounds, int roundMillis, int maxMillis) throws Exception {
        untilIdle(operation, 1, quietRounds, roundMillis, maxMillis);
    }

    /**
     * As {@link #untilIdle(Operation, int, int, int)}, with {@code threads} threads running {@code operation} at once:
     * 8 threads on a pool take paths one thread never takes (a connection handed over, a thread parked and woken),
     * and C2 compiled those during the measurement of an 8-thread workload warmed up by one thread.
     */
    static void untilIdle(Operation operation, int threads, int quietRounds, int roundMillis, int maxMillis)
            throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> helpers = new ArrayList<>();
        for (int i = 1; i < threads; i++) {
            Thread helper = new Thread(() -> {
                try {
                    while (!done.get()) {
                        operation.run();
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "jit-warm-up-" + i);
            helper.start();
            helpers.add(helper);
        }
        try {
            runUntilIdle(operation, quietRounds, roundMillis, maxMillis);
        } finally {
            done.set(true);
            for (Thread helper : helpers) {
                helper.join();
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void runUntilIdle(Operation operation, int quietRounds, int roundMillis, int maxMillis)
            throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean threads = compilerCpuNanos() >= 0;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        long idleNanos = (long) (TimeUnit.MILLISECONDS.toNanos(roundMillis) * IDLE_SHARE);
        int quiet = 0;
        while (quiet < quietRounds && System.nanoTime() < deadline) {
            long compilerBefore = threads ? compilerCpuNanos() : jit.getTotalCompilationTime();
            long roundEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(roundMillis);
            while (System.nanoTime() < roundEnd) {
                operation.run();
            }
            boolean idle = threads
                    ? compilerCpuNanos() - compilerBefore < idleNanos
                    : jit.getTotalCompilationTime() == compilerBefore;
            quiet = idle ? quiet + 1 : 0;
        }
        long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String how = threads ? "compiler threads idle" : "no compilation finished";
        System.err.println(quiet < quietRounds
                ? "benchmarks: the JIT compiler was still busy after " + spent + " ms more warm-up; going on"
                : "benchmarks: JIT idle (" + how + ") after " + spent + " ms more warm-up");
    }

    /**
     * CPU time of this JVM's compiler threads ({@code C1 CompilerThre}, {@code C2 CompilerThre}; the kernel keeps
     * 15 characters of a thread name), in nanoseconds; -1 where {@code /proc} does not have it.
     */
    private static long compilerCpuNanos() {
        long total = 0;
        boolean found = false;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    // schedstat: time on CPU (ns), time waiting to run (ns), timeslices
                    String schedstat = Files.readString(task.resolve("schedstat")).trim();
                    total += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    found = true;
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read: it compiles nothing now
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return found ? total : -1;
    }
}
