package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.SCHEMA;
import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatementLevelTest {

    @Test
    void statementNamingNoConfiguredTableIsPassedThroughWithoutParsing() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10);
        StatementPlan plan = rewriter.plan("SELECT * FROM doctors WHERE id = ? AND name LIKE ?");
        assertThat(plan.passThrough()).isTrue();
        assertThat(plan.kind()).isEqualTo(StatementPlan.Kind.PASS_THROUGH);
        assertThat(plan.parameterCount()).isEqualTo(2);
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.projections()).isEmpty();
        assertThat(rewriter.parseCount()).isZero();
    }

    @Test
    void unparseableTextWithoutConfiguredTableIsPassedThroughUntouched() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10);
        StatementPlan plan = rewriter.plan("VACUUM (VERBOSE, ANALYZE) doctors; SELECT 1");
        assertThat(plan.passThrough()).isTrue();
        assertThat(plan.sql()).isEqualTo("VACUUM (VERBOSE, ANALYZE) doctors; SELECT 1");
        assertThat(rewriter.parseCount()).isZero();
    }

    @Test
    void statementNamingConfiguredTableOnlyInsideStringsIsPassedThroughWithoutParsing() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10, Dialect.MARIADB);
        String seed = "INSERT INTO `onl_cgform_field` VALUES ('3816bb', 'patients where name like \\'a%\\'', 1)";
        StatementPlan plan = rewriter.plan(seed);
        assertThat(plan.passThrough()).isTrue();
        assertThat(plan.sql()).isEqualTo(seed);
        assertThat(rewriter.parseCount()).isZero();
    }

    @Test
    void statementWhoseBackslashPutsConfiguredTableOutsideStringUnderOneSettingIsRejected() {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10, Dialect.MARIADB);
        assertThatThrownBy(() -> rewriter.plan(
                "INSERT INTO audit_log VALUES ('a\\' , (SELECT ssn FROM patients) , \\'')"))
                .isInstanceOf(UnsupportedStatementException.class)
                .hasMessageContaining("statement on configured table patients")
                .hasMessageContaining("NO_BACKSLASH_ESCAPES");
    }

    @Test
    void mariaDbHashCommentIsBlankedInTheTextPlannedAndSent() throws Exception {
        String sql = "# refresh ?\nUPDATE patients SET name = ? WHERE id = ? # by id\n";
        StatementPlan plan = new SqlRewriter(SCHEMA, 10, Dialect.MARIADB).plan(sql);
        assertThat(plan.sql()).isEqualTo("           \nUPDATE patients SET name = ? WHERE id = ?        \n");
        assertThat(plan.parameterCount()).isEqualTo(2);
        assertThat(plan.parameter(1)).isNotNull();
        assertThat(plan.parameter(2)).isNull();
    }

    @Test
    void cacheHitDoesNotParseAgain() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10);
        StatementPlan first = rewriter.plan("SELECT ssn FROM patients WHERE ssn = ?");
        StatementPlan second = rewriter.plan("SELECT ssn FROM patients WHERE ssn = ?");
        assertThat(rewriter.parseCount()).isEqualTo(1);
        assertThat(second).isSameAs(first);
    }

    @Test
    void rejectionsAreCachedAndDoNotParseAgain() {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10);
        for (int i = 0; i < 3; i++) {
            try {
                rewriter.plan("SELECT id FROM patients ORDER BY name");
            } catch (UnsupportedStatementException expected) {
                assertThat(expected).hasMessageContaining("ORDER BY");
            }
        }
        assertThat(rewriter.parseCount()).isEqualTo(1);
    }


    @Test
    void unparseableTextMentioningAConfiguredTableIsRejectedWithoutTheText() {
        assertRejected("SELECT ssn FROM patients WHERE ssn = 'SECRET-LITERAL' garbage garbage",
                "could not be parsed", "not sent");
    }

    @Test
    void deeplyNestedTextMentioningAConfiguredTableIsRejectedBeforeParsing() {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10);
        String sql = "SELECT id FROM patients WHERE id = " + "(".repeat(201) + "1" + ")".repeat(201);
        assertRejected(sql, "nests parentheses deeper than 200");
        assertThat((Throwable) catchRejection(rewriter, sql)).isNotNull();
        assertThat(rewriter.parseCount()).isZero();
    }

    @Test
    void hugeTextMentioningAConfiguredTableIsRejectedBeforeParsing() {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10);
        String sql = "SELECT id FROM patients WHERE note = '" + "x".repeat(1 << 20) + "'";
        UnsupportedStatementException rejection = catchRejection(rewriter, sql);
        assertThat(rejection.getMessage()).contains("over 1048576 characters").doesNotContain("xxxx");
        assertThat(rewriter.parseCount()).isZero();
    }

    @Test
    void ddlOnConfiguredTableIsPlannedWithoutSlots() throws Exception {
        for (String sql : new String[] {
            "CREATE TABLE patients (id int PRIMARY KEY, ssn bytea, name varbinary(200))",
            "ALTER TABLE patients ADD COLUMN note varchar(10)",
            "DROP TABLE patients",
            "TRUNCATE TABLE patients",
            "CREATE INDEX patients_ssn ON patients (ssn)"}) {
            StatementPlan plan = plan(sql);
            assertThat(plan.kind()).as(sql).isEqualTo(StatementPlan.Kind.DDL);
            assertThat(plan.passThrough()).as(sql).isFalse();
            assertThat(plan.hasEncryptedParameters()).as(sql).isFalse();
        }
    }

    @Test
    void createTableAsSelectFromConfiguredTableIsRejected() {
        assertRejected("CREATE TABLE copy AS SELECT * FROM patients", "CREATE TABLE ... AS SELECT", "patients");
    }

    @Test
    void mergeOnConfiguredTableIsRejected() {
        assertRejected("MERGE INTO patients t USING staging s ON (t.id = s.id) WHEN MATCHED THEN UPDATE SET t.ssn = s.ssn",
                "MERGE naming configured table patients", "not supported yet");
    }

    @Test
    void callMentioningAConfiguredTableIsRejected() {
        assertRejected("CALL purge_patients(?, 'patients')", "CALL/EXECUTE");
    }

    @Test
    void statementPlanToStringShowsSlotsButNeverTheSqlText() throws Exception {
        StatementPlan plan = plan("SELECT ssn, 'SECRET-LITERAL' FROM patients WHERE ssn = ? AND note = 'SECRET-LITERAL'");
        assertThat(plan.toString()).contains("SELECT", "1=patients.ssn").doesNotContain("SECRET-LITERAL", "FROM");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    private static UnsupportedStatementException catchRejection(SqlRewriter rewriter, String sql) {
        try {
            rewriter.plan(sql);
            return null;
        } catch (UnsupportedStatementException rejection) {
            return rejection;
        }
    }

    @Test
    void insertIntoPlainTableSelectingFromConfiguredTableIsRejected() {
        assertRejected("INSERT INTO audit_log (msg) SELECT ssn FROM patients",
                "INSERT ... SELECT involving configured table patients");
    }

    @Test
    void upsertOnConfiguredTableIsRejected() {
        assertRejected("UPSERT INTO patients (ssn) VALUES (?)", "UPSERT naming configured table patients");
    }

    @Test
    void zeroCacheSizePlansEveryTimeAndStaysCorrect() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 0);
        assertThat(rewriter.plan("SELECT ssn FROM patients WHERE ssn = ?").parameter(1)).isEqualTo(SSN);
        assertThat(rewriter.plan("SELECT ssn FROM patients WHERE ssn = ?").parameter(1)).isEqualTo(SSN);
        assertThat(rewriter.parseCount()).isBetween(1L, 2L);
    }

    @Test
    void concurrentCallersGetTheSamePlan() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<StatementPlan>> plans = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                plans.add(pool.submit(() -> rewriter.plan("UPDATE patients SET name = ? WHERE ssn = ?")));
            }
            for (java.util.concurrent.Future<StatementPlan> plan : plans) {
                assertThat(plan.get().parameter(2)).isEqualTo(SSN);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rewriter.parseCount()).isEqualTo(1);
    }

    @Test
    void longConditionChainIsPlannedOrRejectedButNeverCrashes() {
        String sql = "SELECT id FROM patients WHERE ssn = ?" + " OR id = ?".repeat(20_000);
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 10);
        try {
            StatementPlan plan = rewriter.plan(sql);
            assertThat(plan.parameter(1)).isEqualTo(SSN);
            assertThat(plan.parameterCount()).isEqualTo(20_001);
        } catch (UnsupportedStatementException rejected) {
            assertThat(rejected.getMessage()).doesNotContain("OR id");
        }
    }
}
