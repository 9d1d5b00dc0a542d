package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WherePlanTest {

    @Test
    void equalityWithParameterOnDeterministicColumnIsASlot() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE ssn = ?");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void parameterOnTheLeftOfEqualityIsASlot() throws Exception {
        assertThat(plan("SELECT id FROM patients WHERE ? = ssn").parameter(1)).isEqualTo(SSN);
    }

    @Test
    void notEqualsInBothSpellingsIsASlot() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE ssn <> ? OR ssn != ?");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.parameter(2)).isEqualTo(SSN);
    }

    @Test
    void inListOfParametersOnDeterministicColumnIsSlots() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE id > ? AND ssn NOT IN (?, ?, ?)");
        assertThat(plan.parameterCount()).isEqualTo(4);
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.parameter(3)).isEqualTo(SSN);
        assertThat(plan.parameter(4)).isEqualTo(SSN);
    }

    @Test
    void mixedPlainAndEncryptedParametersKeepTextualOrder() throws Exception {
        StatementPlan plan = plan(
                "SELECT id FROM patients WHERE (city = ? OR ssn = ?) AND NOT (age + ? > 3 AND ssn IN (?)) LIMIT ?");
        assertThat(plan.parameterCount()).isEqualTo(5);
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.parameter(3)).isNull();
        assertThat(plan.parameter(4)).isEqualTo(SSN);
        assertThat(plan.parameter(5)).isNull();
    }

    @Test
    void isNullIsAllowedOnRandomizedColumn() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE name IS NULL OR dob IS NOT NULL");
        assertThat(plan.hasEncryptedParameters()).isFalse();
        assertThat(plan.parameterCount()).isZero();
    }

    @Test
    void equalityOnRandomizedColumnIsRejected() {
        assertRejected("SELECT id FROM patients WHERE name = ?",
                "comparison = on randomized column patients.name", "equal values have different ciphertexts");
    }

    @Test
    void inOnRandomizedColumnIsRejected() {
        assertRejected("SELECT id FROM patients WHERE name IN (?, ?)", "IN on randomized column patients.name");
    }



    @Test
    void comparisonWithAnotherColumnIsRejected() {
        assertRejected("SELECT id FROM patients WHERE ssn = backup_ssn",
                "comparison = of encrypted column patients.ssn with a column or expression");
    }

    @Test
    void comparisonOfTwoEncryptedColumnsIsRejected() {
        assertRejected("SELECT id FROM patients WHERE ssn = name", "between encrypted columns");
    }

    @Test
    void lessThanOnEncryptedColumnIsRejected() {
        assertRejected("SELECT id FROM patients WHERE ssn < ?",
                "comparison < on deterministic column patients.ssn", "its ciphertexts are not ordered");
    }

    @Test
    void greaterThanOnEncryptedColumnIsRejected() {
        assertRejected("SELECT id FROM patients WHERE dob > ?", "comparison > on randomized column patients.dob");
    }

    @Test
    void betweenOnEncryptedColumnIsRejected() {
        assertRejected("SELECT id FROM patients WHERE dob BETWEEN ? AND ?", "BETWEEN on randomized column patients.dob");
    }

    @Test
    void likeOnEncryptedColumnIsRejected() {
        assertRejected("SELECT id FROM patients WHERE ssn LIKE 'SECRET-LITERAL%'",
                "LIKE on deterministic column patients.ssn", "pattern");
    }

    @Test
    void functionOnEncryptedColumnIsRejected() {
        assertRejected("SELECT id FROM patients WHERE lower(ssn) = ?", "function lower() on deterministic column patients.ssn");
    }

    @Test
    void predicatesOnPlainColumnsAllowAnything() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE city LIKE ? AND age BETWEEN ? AND ? AND lower(x) = 'a'");
        assertThat(plan.parameterCount()).isEqualTo(3);
        assertThat(plan.hasEncryptedParameters()).isFalse();
    }

    @Test
    void havingFollowsTheSameRules() {
        assertRejected("SELECT ssn FROM patients GROUP BY ssn HAVING ssn > ?", "comparison > on deterministic column patients.ssn");
    }

    @Test
    void numberedParameterOnConfiguredTableIsRejected() {
        assertRejected(Dialect.POSTGRESQL, "SELECT id FROM patients WHERE ssn = ?1", "a numbered parameter on configured table patients", "not supported yet");
    }

    @Test
    void namedParameterOnConfiguredTableIsRejected() {
        assertRejected(Dialect.POSTGRESQL, "SELECT id FROM patients WHERE ssn = :ssn", "a named parameter on configured table patients", "not supported yet");
    }

    @Test
    void inListFollowedByAndKeepsItsOwnParameters() throws Exception {
        // JSqlParser 5.3 parses this as ssn IN ((?, ?) AND city = ?); the analysis regroups it
        StatementPlan plan = plan("SELECT id FROM patients WHERE ssn IN (?, ?) AND city = ? OR ssn = ?");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.parameter(3)).isNull();
        assertThat(plan.parameter(4)).isEqualTo(SSN);
    }

    @Test
    void inListFollowedByAndWithEncryptedColumnInThePlainPartIsStillRejected() {
        assertRejected("SELECT id FROM patients WHERE id IN (?, ?) AND dob > ?", "comparison > on randomized column patients.dob");
    }
}
