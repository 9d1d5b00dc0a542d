package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.PATIENT_SSN;
import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Several statements in one string: each analysed and combined into one plan, or the whole string refused. */
class SeveralStatementsTest {

    @Test
    void parametersAreNumberedAcrossTheWholeText() throws Exception {
        StatementPlan plan = plan("UPDATE patients SET ssn = ? WHERE id = ?; DELETE FROM visits WHERE patient_ssn = ?;"
                + " INSERT INTO doctors (id) VALUES (?)");
        assertThat(plan.parameterCount()).isEqualTo(4);
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.parameter(2)).isNull();
        assertThat(plan.parameter(3)).isEqualTo(PATIENT_SSN);
        assertThat(plan.parameter(4)).isNull();
        assertThat(plan.passThrough()).isFalse();
    }

    @Test
    void theSqlOfACombinedPlanIsTheWholeText() throws Exception {
        String sql = "SELECT id FROM doctors; DELETE FROM patients WHERE id = ?";
        StatementPlan plan = plan(sql);
        assertThat(plan.sql()).isEqualTo(sql);
        assertThat(plan.parameterCount()).isEqualTo(1);
        assertThat(plan.parameter(1)).isNull();
    }

    @Test
    void queryReturningEncryptedColumnsAfterAnUpdateKeepsItsProjections() throws Exception {
        StatementPlan plan = plan("UPDATE doctors SET note = ? WHERE id = ?; SELECT ssn FROM patients WHERE ssn = ?");
        assertThat(plan.projections()).containsExactly(new Projection.Column(SSN));
        assertThat(plan.parameter(3)).isEqualTo(SSN);
        assertThat(plan.kind()).isEqualTo(StatementPlan.Kind.SELECT);
    }

    @Test
    void queryReturningEncryptedColumnsNextToAnotherQueryIsRejected() {
        assertRejected("SELECT id FROM doctors; SELECT ssn FROM patients",
                "several statements in one string", "send them one at a time");
    }

    @Test
    void oneRejectedStatementRejectsTheWholeString() {
        assertRejected("DELETE FROM doctors WHERE id = ?; SELECT id FROM patients ORDER BY name",
                "ORDER BY on randomized column patients.name");
    }

    @Test
    void semicolonInsideALiteralOrCommentDoesNotSplit() throws Exception {
        StatementPlan plan = plan("SELECT ssn FROM patients WHERE city = 'a;b' AND ssn = ? /* ; */;"
                + " DELETE FROM doctors WHERE id = ? -- ;\n");
        assertThat(plan.parameterCount()).isEqualTo(2);
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.parameter(2)).isNull();
    }

    @Test
    void textWhoseStatementsCannotBeSeparatedReliablyIsRejected() {
        // a backslash-escaped quote hides a semicolon from the splitter: piece and statement counts differ
        assertRejected("SELECT ssn FROM patients WHERE city = 'a\\'; b' AND ssn = ?; SELECT 1",
                "not sent");
    }
}
