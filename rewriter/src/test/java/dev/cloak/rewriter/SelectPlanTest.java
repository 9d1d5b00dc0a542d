package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.DOB;
import static dev.cloak.rewriter.Fixtures.NAME;
import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectPlanTest {

    private static final Projection PLAIN = new Projection.Column(null);
    private static final Projection.AllColumns PATIENTS_STAR =
            new Projection.AllColumns(Map.of("ssn", SSN, "name", NAME, "dob", DOB));

    @Test
    void namedColumnsMapToProjectionsInOrder() throws Exception {
        StatementPlan plan = plan("SELECT id, ssn, p.name AS n, dob FROM patients p WHERE id = ?");
        assertThat(plan.kind()).isEqualTo(StatementPlan.Kind.SELECT);
        assertThat(plan.projections()).containsExactly(
                PLAIN, new Projection.Column(SSN), new Projection.Column(NAME), new Projection.Column(DOB));
        assertThat(plan.hasEncryptedResults()).isTrue();
        assertThat(plan.parameterCount()).isEqualTo(1);
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.hasEncryptedParameters()).isFalse();
    }

    @Test
    void starMapsEncryptedColumnsByLowerCaseName() throws Exception {
        StatementPlan plan = plan("SELECT * FROM patients");
        assertThat(plan.projections()).containsExactly(PATIENTS_STAR);
    }

    @Test
    void tableStarWithAliasMapsEncryptedColumns() throws Exception {
        StatementPlan plan = plan("SELECT p.*, 1 AS one FROM public.patients AS p");
        assertThat(plan.projections()).containsExactly(PATIENTS_STAR, PLAIN);
    }

    @Test
    void expressionsOverPlainColumnsAreAllowedAndPlain() throws Exception {
        StatementPlan plan = plan("SELECT count(*), max(id) + ?, upper(city) FROM patients GROUP BY city");
        assertThat(plan.projections()).containsExactly(PLAIN, PLAIN, PLAIN);
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.hasEncryptedResults()).isFalse();
    }

    @Test
    void limitAndOffsetParametersArePlainSlots() throws Exception {
        StatementPlan plan = plan("SELECT ssn FROM patients WHERE ssn = ? LIMIT ? OFFSET ?");
        assertThat(plan.parameterCount()).isEqualTo(3);
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.parameter(2)).isNull();
        assertThat(plan.parameter(3)).isNull();
    }

    @Test
    void countOfEncryptedColumnCountsItsCellsWithoutDecrypting() throws Exception {
        StatementPlan plan = Fixtures.rewriter().plan("SELECT count(ssn) FROM patients");
        assertThat(plan.hasEncryptedResults()).isFalse();
    }

    @Test
    void sumOfEncryptedColumnIsRejected() {
        assertRejected("SELECT sum(dob) FROM patients", "function sum() on randomized column patients.dob");
    }

    @Test
    void concatenationWithEncryptedColumnIsRejected() {
        assertRejected("SELECT name || 'SECRET-LITERAL' FROM patients", "randomized column patients.name");
    }

    @Test
    void castOfEncryptedColumnIsRejected() {
        assertRejected("SELECT CAST(dob AS varchar) FROM patients", "CAST on randomized column patients.dob");
    }

    @Test
    void orderByOnRandomizedColumnIsRejected() {
        assertRejected("SELECT id FROM patients ORDER BY name",
                "ORDER BY on randomized column patients.name is not supported: its ciphertexts are not ordered");
    }

    @Test
    void orderByOnDeterministicColumnIsRejected() {
        assertRejected("SELECT id FROM patients ORDER BY ssn DESC", "ORDER BY on deterministic column patients.ssn");
    }

    @Test
    void orderByAliasOfEncryptedColumnIsRejected() {
        assertRejected("SELECT name AS n FROM patients ORDER BY n", "ORDER BY on randomized column patients.name");
    }

    @Test
    void orderByPositionOfEncryptedColumnIsRejected() {
        assertRejected("SELECT id, name FROM patients ORDER BY 2", "ORDER BY on randomized column patients.name");
    }

    @Test
    void orderByPlainColumnIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT id, name FROM patients ORDER BY id, 1");
        assertThat(plan.projections()).containsExactly(PLAIN, new Projection.Column(NAME));
    }

    @Test
    void groupByDeterministicColumnIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT ssn, count(*) FROM patients GROUP BY ssn HAVING count(*) > ?");
        assertThat(plan.projections()).containsExactly(new Projection.Column(SSN), PLAIN);
        assertThat(plan.parameter(1)).isNull();
    }

    @Test
    void groupByRandomizedColumnIsRejected() {
        assertRejected("SELECT name, count(*) FROM patients GROUP BY name", "GROUP BY on randomized column patients.name");
    }

    @Test
    void distinctOnDeterministicColumnIsAllowed() throws Exception {
        assertThat(plan("SELECT DISTINCT ssn FROM patients").projections()).containsExactly(new Projection.Column(SSN));
    }

    @Test
    void distinctOverRandomizedColumnIsRejected() {
        assertRejected("SELECT DISTINCT name FROM patients", "DISTINCT on randomized column patients.name");
    }

    @Test
    void distinctStarOverTableWithRandomizedColumnIsRejected() {
        assertRejected("SELECT DISTINCT * FROM patients", "DISTINCT on randomized column");
    }






    @Test
    void selectOfPlainTableThatOnlyMentionsAConfiguredNameIsPassedThrough() throws Exception {
        StatementPlan plan = plan("SELECT 'patients' AS label, id FROM doctors");
        assertThat(plan.passThrough()).isTrue();
        assertThat(plan.projections()).isEmpty();
    }

    @Test
    void windowOrderingOnEncryptedColumnIsRejected() {
        assertRejected("SELECT row_number() OVER (ORDER BY name) FROM patients",
                "randomized column patients.name");
    }

    @Test
    void aggregateOrderingOnEncryptedColumnIsRejected() {
        assertRejected("SELECT string_agg(city, ',' ORDER BY ssn) FROM patients", "deterministic column patients.ssn");
    }

    @Test
    void aliasNamedLikeTheEncryptedColumnIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT p.ssn AS ssn FROM patients AS p WHERE p.ssn = ?");
        assertThat(plan.projections()).containsExactly(new Projection.Column(SSN));
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void encryptedColumnNameInsideAStringLiteralDoesNotCount() throws Exception {
        StatementPlan plan = plan("SELECT ssn FROM patients WHERE note = 'ssn checked' AND ssn = ?");
        assertThat(plan.parameterCount()).isEqualTo(1);
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }
}
