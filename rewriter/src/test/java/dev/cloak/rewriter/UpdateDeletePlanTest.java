package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.NAME;
import static dev.cloak.rewriter.Fixtures.PATIENT_SSN;
import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UpdateDeletePlanTest {

    @Test
    void updateSetParametersMapToTheirColumnsAndWhereParametersFollow() throws Exception {
        StatementPlan plan = plan("UPDATE patients p SET name = ?, city = ?, ssn = ? WHERE p.ssn = ? AND id = ?");
        assertThat(plan.kind()).isEqualTo(StatementPlan.Kind.UPDATE);
        assertThat(plan.parameterCount()).isEqualTo(5);
        assertThat(plan.parameter(1)).isEqualTo(NAME);
        assertThat(plan.parameter(2)).isNull();
        assertThat(plan.parameter(3)).isEqualTo(SSN);
        assertThat(plan.parameter(4)).isEqualTo(SSN);
        assertThat(plan.parameter(5)).isNull();
    }

    @Test
    void updateSetNullOnEncryptedColumnIsAllowed() throws Exception {
        StatementPlan plan = plan("UPDATE patients SET name = NULL WHERE id = ?");
        assertThat(plan.hasEncryptedParameters()).isFalse();
        assertThat(plan.parameterCount()).isEqualTo(1);
    }


    @Test
    void updateSetExpressionOnEncryptedColumnIsRejected() {
        assertRejected("UPDATE patients SET ssn = ssn || '0' WHERE id = ?", "patients.ssn");
    }

    @Test
    void updateSetCopyingAColumnOfTheSameKeyDomainAndModeIsSentAsIs() throws Exception {
        StatementPlan plan = plan("UPDATE patients SET ssn = ssn WHERE id = ?");
        assertThat(plan.kind()).isEqualTo(StatementPlan.Kind.UPDATE);
        assertThat(plan.hasEncryptedParameters()).isFalse();
        assertRejected("UPDATE patients SET ssn = name WHERE id = ?", "patients.name", "different keys");
        assertRejected("UPDATE patients SET ssn = city WHERE id = ?", "patients.ssn", "plain");
    }

    @Test
    void copyingAnEncryptedColumnIntoAPlainColumnIsRejected() {
        assertRejected("UPDATE patients SET note = name WHERE id = ?", "encrypted column patients.name into plain column note");
    }

    @Test
    void updateFromAnotherTableJoinsItsScope() throws Exception {
        StatementPlan plan = plan("UPDATE patients SET city = v.city, ssn = v.patient_ssn FROM visits v"
                + " WHERE v.patient_ssn = patients.ssn AND v.id = ?");
        assertThat(plan.kind()).isEqualTo(StatementPlan.Kind.UPDATE);
        assertThat(plan.parameter(1)).isNull();
        assertRejected("UPDATE patients SET name = v.patient_ssn FROM visits v WHERE v.id = patients.id",
                "visits.patient_ssn", "patients.name");
    }

    @Test
    void updateReturningEncryptedColumnIsAProjection() throws Exception {
        StatementPlan plan = plan("UPDATE patients SET city = ? WHERE id = ? RETURNING ssn");
        assertThat(plan.projections()).containsExactly(new Projection.Column(SSN));
    }

    @Test
    void deleteWithEncryptedPredicateMapsTheSlot() throws Exception {
        StatementPlan plan = plan("DELETE FROM patients WHERE id = ? OR ssn = ?");
        assertThat(plan.kind()).isEqualTo(StatementPlan.Kind.DELETE);
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.projections()).isEmpty();
    }

    @Test
    void deleteWithOrderingPredicateOnEncryptedColumnIsRejected() {
        assertRejected("DELETE FROM patients WHERE dob < ?", "comparison < on randomized column patients.dob");
    }

    @Test
    void deleteUsingOrJoiningOtherTablesChecksTheirConditionsInOneScope() throws Exception {
        StatementPlan using = plan("DELETE FROM patients p USING visits v WHERE v.patient_ssn = p.ssn AND v.id = ?"
                + " AND p.ssn = ?");
        assertThat(using.kind()).isEqualTo(StatementPlan.Kind.DELETE);
        assertThat(using.parameter(1)).isNull();
        assertThat(using.parameter(2)).isEqualTo(SSN);
        StatementPlan joined = plan(Dialect.MARIADB,
                "DELETE p FROM patients p JOIN visits v ON v.patient_ssn = p.ssn WHERE v.patient_ssn = ?");
        assertThat(joined.parameter(1)).isEqualTo(PATIENT_SSN);
        assertThat(plan("DELETE FROM addresses a USING patients p WHERE p.id = a.patient_id AND p.ssn = ?")
                .parameter(1)).isEqualTo(SSN);
        assertThat(plan("DELETE FROM patients USING visits WHERE visits.id = patients.id RETURNING patients.name")
                .projections()).containsExactly(new Projection.Column(NAME));
        assertRejected("DELETE FROM patients p USING visits v WHERE v.id = p.id AND p.name = ?",
                "comparison = on randomized column patients.name");
        assertRejected("DELETE FROM patients p USING visits v WHERE v.patient_ssn = p.name",
                "patients.name");
        assertRejected("DELETE FROM patients p USING visits v WHERE v.id = p.id AND p.dob < ?",
                "comparison < on randomized column patients.dob");
    }
}
