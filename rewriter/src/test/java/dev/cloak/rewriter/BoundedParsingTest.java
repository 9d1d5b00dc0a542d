package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.SSN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Hostile sizes end within the parse deadline and two seconds more of the calling thread's CPU, with a plan or a
 * refusal, on the calling thread: the bound is a correctness limit, not a benchmark. CPU time rather than the clock,
 * so that a machine busy with other work does not fail it; a wall-clock bound ten times wider still catches waiting.
 */
class BoundedParsingTest {

    private static final long LIMIT_NANOS = (Parsing.GUARDED_PARSE_MILLIS + 2_000) * 1_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static <T> T withinTheBound(Callable<T> work) throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        T result = work.call();
        assertThat(THREADS.getCurrentThreadCpuTime() - cpuStart).as("CPU nanoseconds").isLessThan(LIMIT_NANOS);
        assertThat(System.nanoTime() - start).as("elapsed nanoseconds").isLessThan(10 * LIMIT_NANOS);
        // parsing runs on the caller's thread: nothing may be left running behind it
        Set<Thread> after = Thread.getAllStackTraces().keySet();
        assertThat(after.stream().filter(t -> !before.contains(t) && t.isAlive()
                && t.getName().toLowerCase(java.util.Locale.ROOT).contains("parser"))).isEmpty();
        return result;
    }

    private static UnsupportedStatementException rejection(String sql) {
        return catchThrowableOfType(UnsupportedStatementException.class, () -> Fixtures.rewriter().plan(sql));
    }

    @Test
    void thousandNestedParenthesesAreRejectedQuickly() throws Exception {
        String sql = "SELECT id FROM patients WHERE id = " + "(".repeat(1000) + "?" + ")".repeat(1000);
        UnsupportedStatementException rejection = withinTheBound(() -> rejection(sql));
        assertThat(rejection.getMessage()).contains("nests parentheses deeper than");
    }

    @Test
    void fiftyThousandElementInListOnAnEncryptedColumnIsRejectedWithinTheBound() throws Exception {
        SqlRewriter rewriter = Fixtures.rewriter();
        String sql = "SELECT id FROM patients WHERE ssn IN (" + "?, ".repeat(49_999) + "?)";
        UnsupportedStatementException rejection = withinTheBound(() -> catchThrowableOfType(
                UnsupportedStatementException.class, () -> rewriter.plan(sql)));
        // too slow to parse within the deadline, or parsed and over the limit for encrypted values
        assertThat(rejection.getMessage()).contains("split long IN lists");
    }

    @Test
    void fiftyThousandLiteralInListIsRejectedQuicklyWithoutTheLiterals() throws Exception {
        String sql = "SELECT id FROM patients WHERE ssn IN (" + "'SECRET-LITERAL', ".repeat(49_999) + "'2')";
        UnsupportedStatementException rejection = withinTheBound(() -> rejection(sql));
        assertThat(rejection.getMessage()).contains("split long IN lists").doesNotContain("SECRET-LITERAL");
    }

    @Test
    void fiveThousandItemInListOnAPlainColumnOfAConfiguredTableIsPlanned() throws Exception {
        String sql = "SELECT id, ssn FROM patients WHERE id IN (" + "?, ".repeat(4_999) + "?)";
        StatementPlan plan = withinTheBound(() -> Fixtures.rewriter().plan(sql));
        assertThat(plan.parameterCount()).isEqualTo(5_000);
        assertThat(plan.hasEncryptedParameters()).isFalse();
        assertThat(plan.projections().get(1)).isEqualTo(new Projection.Column(SSN));
    }

    @Test
    void fiveThousandItemInListOnAnEncryptedColumnIsRejectedByTheLimitForEncryptedValues() throws Exception {
        String sql = "SELECT id FROM patients WHERE ssn IN (" + "?, ".repeat(4_999) + "?)";
        UnsupportedStatementException rejection = withinTheBound(() -> rejection(sql));
        assertThat(rejection.getMessage()).contains("more than 4000 items on encrypted column patients.ssn");
    }

    @Test
    void fiveThousandRowInsertOfPlainValuesIntoAConfiguredTableIsPlanned() throws Exception {
        String sql = "INSERT INTO patients (id, city) VALUES " + "(?, ?), ".repeat(4_999) + "(?, ?)";
        StatementPlan plan = withinTheBound(() -> Fixtures.rewriter().plan(sql));
        assertThat(plan.parameterCount()).isEqualTo(10_000);
        assertThat(plan.hasEncryptedParameters()).isFalse();
    }

    @Test
    void fiveThousandRowInsertOfEncryptedValuesIsRejectedByTheLimitForEncryptedValues() throws Exception {
        String sql = "INSERT INTO patients (id, ssn) VALUES " + "(?, ?), ".repeat(4_999) + "(?, ?)";
        UnsupportedStatementException rejection = withinTheBound(() -> rejection(sql));
        assertThat(rejection.getMessage()).contains("more than 4000 values of encrypted columns");
    }

    @Test
    void inListWithinTheBoundIsPlanned() throws Exception {
        String sql = "SELECT id FROM patients WHERE ssn IN (" + "?, ".repeat(999) + "?)";
        StatementPlan plan = Fixtures.rewriter().plan(sql);
        assertThat(plan.parameterCount()).isEqualTo(1000);
        assertThat(plan.parameter(1000)).isEqualTo(SSN);
    }

    @Test
    void oneMegabyteLiteralEndsQuicklyWithoutShowingIt() throws Exception {
        String sql = "UPDATE patients SET ssn = '" + "x".repeat(1_000_000) + "' WHERE id = ?";
        StatementPlan plan = withinTheBound(() -> Fixtures.rewriter().plan(sql));
        assertThat(plan.literals().get(0).end() - plan.literals().get(0).start()).isEqualTo(1_000_002);
        assertThat(plan.toString()).doesNotContain("xxxx");
    }

    @Test
    void literalLargerThanTheTextLimitIsRejectedBeforeParsing() throws Exception {
        String sql = "UPDATE patients SET ssn = '" + "x".repeat(1 << 20) + "' WHERE id = ?";
        UnsupportedStatementException rejection = withinTheBound(() -> rejection(sql));
        assertThat(rejection.getMessage()).contains("over 1048576 characters").doesNotContain("xxxx");
    }

    @Test
    void fiftyThousandOrChainOnAPlainColumnEndsQuicklyWithAPlanOrAClearRejection() throws Exception {
        String sql = "SELECT id FROM patients WHERE id = ?" + " OR id = ?".repeat(49_999);
        Object outcome = withinTheBound(() -> {
            try {
                return Fixtures.rewriter().plan(sql);
            } catch (UnsupportedStatementException e) {
                return e;
            }
        });
        if (outcome instanceof UnsupportedStatementException rejection) {
            assertThat(rejection.getMessage()).contains("could not be parsed within").doesNotContain("id = ?");
        } else {
            assertThat(((StatementPlan) outcome).parameterCount()).isEqualTo(50_000);
        }
    }

    @Test
    void fiveThousandTermOrChainOnAPlainColumnWithAnEncryptedLookupIsPlanned() throws Exception {
        String sql = "SELECT id FROM patients WHERE id = ?" + " OR id = ?".repeat(4_999) + " AND ssn = ?";
        StatementPlan plan = withinTheBound(() -> Fixtures.rewriter().plan(sql));
        assertThat(plan.parameter(4_999)).isNull();
        assertThat(plan.parameter(5_001)).isEqualTo(SSN);
    }

    @Test
    void redundantParenthesesAroundAPlainParameterArePlanned() throws Exception {
        String sql = "SELECT id FROM patients WHERE id = " + "(".repeat(12) + "?" + ")".repeat(12);
        StatementPlan plan = withinTheBound(() -> Fixtures.rewriter().plan(sql));
        assertThat(plan.parameter(1)).isNull();
    }

    @Test
    void encryptedColumnTestedUnderMoreThanSevenParenthesesIsRejected() throws Exception {
        String sql = "SELECT id FROM patients WHERE " + "(".repeat(8) + "ssn = ?" + ")".repeat(8);
        UnsupportedStatementException rejection = withinTheBound(() -> rejection(sql));
        assertThat(rejection.getMessage()).contains("patients.ssn nested in more than 7 parenthesised expressions");
    }

    @Test
    void encryptedColumnTestedUnderSevenParenthesesIsPlanned() throws Exception {
        String sql = "SELECT id FROM patients WHERE " + "(".repeat(7) + "ssn = ?" + ")".repeat(7);
        assertThat(withinTheBound(() -> Fixtures.rewriter().plan(sql)).parameter(1)).isEqualTo(SSN);
    }

    @Test
    void conditionsNestedWithinTheBoundArePlannedQuickly() throws Exception {
        StringBuilder condition = new StringBuilder("ssn = ?");
        for (int i = 1; i <= 7; i++) {
            condition = new StringBuilder("id = " + i + (i % 2 == 0 ? " AND (" : " OR (") + condition + ")");
        }
        String sql = "SELECT id FROM patients WHERE " + condition;
        StatementPlan plan = withinTheBound(() -> Fixtures.rewriter().plan(sql));
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void deeplyNestedSubqueriesDoNotCountAsExpressionNesting() throws Exception {
        String sql = "SELECT id FROM patients WHERE id IN " + "(SELECT x FROM ".repeat(20) + "t" + ")".repeat(20)
                + " AND ssn = ?";
        StatementPlan plan = withinTheBound(() -> Fixtures.rewriter().plan(sql));
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }
}
