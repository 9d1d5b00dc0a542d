package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.NAME;
import static dev.cloak.rewriter.Fixtures.PATIENT_SSN;
import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Comparisons and copies between encrypted columns, upserts, INSERT ... SELECT and parameters in every clause. */
class EncryptedComparisonTest {

    @Test
    void whereEqualityBetweenDeterministicColumnsOfOneKeyDomainIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT p.id FROM patients p, visits v WHERE p.ssn = v.patient_ssn AND v.id = ?");
        assertThat(plan.parameter(1)).isNull();
    }

    @Test
    void whereEqualityBetweenDeterministicAndRandomizedColumnIsRejectedNamingBoth() {
        assertRejected("SELECT p.id FROM patients p, visits v WHERE v.patient_ssn = p.name",
                "visits.patient_ssn and patients.name");
    }

    @Test
    void inSubqueryOfTheSameKeyDomainIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE ssn IN (SELECT patient_ssn FROM visits WHERE visit_date = ?)");
        assertThat(plan.parameter(1)).isNull();
    }

    @Test
    void inSubqueryOfAnotherKeyDomainIsRejectedNamingBoth() {
        assertRejected("SELECT id FROM patients WHERE ssn IN (SELECT pan FROM billing.cards)",
                "patients.ssn and billing.cards.pan");
    }

    @Test
    void plainColumnInSubqueryOfEncryptedColumnIsRejected() {
        assertRejected("SELECT id FROM doctors d WHERE d.code IN (SELECT ssn FROM patients)",
                "compares encrypted column patients.ssn with a plain column");
    }

    @Test
    void parameterInHavingIsASlotOfTheGroupedColumn() throws Exception {
        StatementPlan plan = plan("SELECT ssn, count(*) FROM patients GROUP BY ssn HAVING ssn = ? AND count(*) > ?");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.parameter(2)).isNull();
    }

    @Test
    void countDistinctOnDeterministicColumnIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT count(DISTINCT ssn) FROM patients WHERE city = ?");
        assertThat(plan.projections()).containsExactly(new Projection.Column(null));
    }

    @Test
    void countDistinctOnRandomizedColumnIsRejected() {
        assertRejected("SELECT count(DISTINCT name) FROM patients", "COUNT(DISTINCT) on randomized column patients.name");
    }

    @Test
    void postgresCastOfParameterOnPlainColumnIsAPlainSlot() throws Exception {
        StatementPlan plan = plan(Dialect.POSTGRESQL, "SELECT ssn FROM patients WHERE city = ?::text AND ssn = ?");
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(SSN);
    }

    @Test
    void castParameterComparedWithEncryptedColumnIsRejected() {
        assertRejected(Dialect.POSTGRESQL, "SELECT id FROM patients WHERE ssn = ?::text", "encrypted column patients.ssn with a column or expression");
    }

    @Test
    void insertSelectFromAColumnOfTheSameKeyDomainIsAllowed() throws Exception {
        StatementPlan plan = plan("INSERT INTO visits (id, patient_ssn) SELECT ?, ssn FROM patients WHERE ssn = ?");
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(SSN);
    }

    @Test
    void insertSelectOfAParameterIntoAnEncryptedColumnIsAnEncryptedSlot() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn) SELECT id, ? FROM doctors WHERE id = ?");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.parameter(2)).isNull();
    }

    @Test
    void insertSelectFromAnotherKeyDomainIsRejected() {
        assertRejected("INSERT INTO patients (id, ssn) SELECT id, pan FROM billing.cards",
                "copying encrypted column billing.cards.pan into encrypted column patients.ssn");
    }

    @Test
    void insertSelectOfRandomizedIntoDeterministicColumnIsRejected() {
        assertRejected("INSERT INTO visits (id, patient_ssn) SELECT id, name FROM patients",
                "copying encrypted column patients.name into encrypted column visits.patient_ssn");
    }

    @Test
    void insertSelectOfEncryptedColumnIntoPlainTableIsRejected() {
        assertRejected("INSERT INTO audit_log (msg) SELECT ssn FROM patients",
                "copying encrypted column patients.ssn into plain column msg");
    }

    @Test
    void onConflictDoUpdateFromExcludedOfTheSameColumnIsAllowed() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn, name) VALUES (?, ?, ?) ON CONFLICT (id)"
                + " DO UPDATE SET ssn = EXCLUDED.ssn, name = excluded.name, city = ? RETURNING id, name");
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.parameter(3)).isEqualTo(NAME);
        assertThat(plan.parameter(4)).isNull();
        assertThat(plan.projections()).containsExactly(new Projection.Column(null), new Projection.Column(NAME));
    }

    @Test
    void onConflictDoUpdateFromExcludedOfAnotherColumnIsRejected() {
        assertRejected("INSERT INTO patients (id, ssn, name) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET ssn = EXCLUDED.name",
                "copying encrypted column patients.name into encrypted column patients.ssn");
    }

    @Test
    void onConflictDoUpdateFromExcludedPlainColumnIntoEncryptedColumnIsRejected() {
        assertRejected("INSERT INTO patients (id, ssn, city) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET ssn = EXCLUDED.city",
                "copying a plain value into encrypted column patients.ssn");
    }

    @Test
    void onDuplicateKeyUpdateFromValuesOfTheSameColumnIsAllowed() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn) VALUES (?, ?) ON DUPLICATE KEY UPDATE ssn = VALUES(ssn), city = ?");
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.parameter(3)).isNull();
    }


    @Test
    void deleteReturningEncryptedColumnIsAProjection() throws Exception {
        StatementPlan plan = plan("DELETE FROM visits WHERE patient_ssn = ? RETURNING patient_ssn");
        assertThat(plan.parameter(1)).isEqualTo(PATIENT_SSN);
        assertThat(plan.projections()).containsExactly(new Projection.Column(PATIENT_SSN));
    }
}
