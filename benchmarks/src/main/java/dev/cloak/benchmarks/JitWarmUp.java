package dev.cloak.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs an operation until HotSpot's JIT compilers have been idle for some rounds in a row, so that a fork is
 * measured on compiled code. On 2 cores shared with PostgreSQL, C2's queue of hot methods can still be draining
 * well after their call counts were reached; a method compiled during measurement was measured interpreted or at C1.
 */
final class JitWarmUp {

    /** An operation of a benchmark. */
    interface Operation {
        void run() throws Exception;
    }

    private JitWarmUp() {
    }

    /**
     * Runs {@code operation} in rounds of {@code roundMillis} until no compilation finished in {@code quietRounds}
     * rounds in a row, or {@code maxMillis} have passed; prints one line saying which, and how long it took.
     */
    static void untilIdle(Operation operation, int quietRounds, int roundMillis, int maxMillis) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        int quiet = 0;
        while (quiet < quietRounds && System.nanoTime() < deadline) {
            long compiledBefore = jit.getTotalCompilationTime();
            long roundEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(roundMillis);
            while (System.nanoTime() < roundEnd) {
                operation.run();
            }
            quiet = jit.getTotalCompilationTime() == compiledBefore ? quiet + 1 : 0;
        }
        long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.err.println(quiet < quietRounds
                ? "benchmarks: the JIT compiler was still busy after " + spent + " ms more warm-up; measuring anyway"
                : "benchmarks: JIT idle after " + spent + " ms more warm-up");
    }
}
