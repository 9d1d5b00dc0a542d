package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.NAME;
import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InsertPlanTest {

    @Test
    void singleRowInsertMapsEachParameterToItsColumn() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn, name) VALUES (?, ?, ?)");
        assertThat(plan.kind()).isEqualTo(StatementPlan.Kind.INSERT);
        assertThat(plan.passThrough()).isFalse();
        assertThat(plan.parameterCount()).isEqualTo(3);
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.parameter(3)).isEqualTo(NAME);
        assertThat(plan.parameter(4)).isNull();
        assertThat(plan.hasEncryptedParameters()).isTrue();
        assertThat(plan.projections()).isEmpty();
        assertThat(plan.sql()).isEqualTo("INSERT INTO patients (id, ssn, name) VALUES (?, ?, ?)");
    }

    @Test
    void multiRowInsertMapsParametersOfEveryRow() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (ssn, id, name) VALUES (?, ?, ?), (?, ?, ?)");
        assertThat(plan.parameterCount()).isEqualTo(6);
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.parameter(2)).isNull();
        assertThat(plan.parameter(3)).isEqualTo(NAME);
        assertThat(plan.parameter(4)).isEqualTo(SSN);
        assertThat(plan.parameter(5)).isNull();
        assertThat(plan.parameter(6)).isEqualTo(NAME);
    }

    @Test
    void singleColumnMultiRowInsertMapsEveryRow() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (ssn) VALUES (?), (?)");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.parameter(2)).isEqualTo(SSN);
    }

    @Test
    void nullLiteralInEncryptedColumnIsAllowed() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn, name) VALUES (?, NULL, ?)");
        assertThat(plan.parameterCount()).isEqualTo(2);
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(NAME);
    }

    @Test
    void literalsAndExpressionsInPlainColumnsAreAllowed() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, created, ssn) VALUES (42, now(), ?)");
        assertThat(plan.parameterCount()).isEqualTo(1);
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }


    @Test
    void expressionInEncryptedColumnIsRejected() {
        assertRejected("INSERT INTO patients (id, name) VALUES (?, upper('SECRET-LITERAL'))",
                "expression assigned to encrypted column patients.name", "?");
    }

    @Test
    void insertWithoutColumnListIsRejected() {
        assertRejected("INSERT INTO patients VALUES (?, ?, ?)", "INSERT without a column list", "patients",
                "name the columns");
    }

    @Test
    void insertSelectFromAPlainColumnIntoAnEncryptedColumnIsRejected() {
        assertRejected("INSERT INTO patients (id, ssn) SELECT id, ssn FROM old_patients",
                "INSERT ... SELECT", "patients", "is not supported");
    }

    @Test
    void onConflictDoUpdateWithAParameterIsAnEncryptedSlot() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET ssn = ?");
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.parameter(3)).isEqualTo(SSN);
    }

    @Test
    void onConflictDoNothingOnDeterministicColumnIsAllowed() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn) VALUES (?, ?) ON CONFLICT (ssn) DO NOTHING");
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(SSN);
    }

    @Test
    void onConflictDoNothingOnRandomizedColumnIsRejected() {
        assertRejected("INSERT INTO patients (id, name) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                "ON CONFLICT on randomized column patients.name");
    }

    @Test
    void onDuplicateKeyUpdateWithAParameterIsAnEncryptedSlot() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn) VALUES (?, ?) ON DUPLICATE KEY UPDATE ssn = ?");
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.parameter(3)).isEqualTo(SSN);
    }

    @Test
    void returningListBecomesProjections() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn) VALUES (?, ?) RETURNING id, ssn, name AS n");
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.projections()).containsExactly(
                new Projection.Column(null), new Projection.Column(SSN), new Projection.Column(NAME));
        assertThat(plan.hasEncryptedResults()).isTrue();
    }

    @Test
    void returningAnExpressionOverAnEncryptedColumnIsRejected() {
        assertRejected("INSERT INTO patients (id, ssn) VALUES (?, ?) RETURNING lower(ssn)",
                "function lower() on deterministic column patients.ssn");
    }

    @Test
    void insertIntoAPlainTableThatMentionsAConfiguredNameInALiteralIsPassedThrough() throws Exception {
        StatementPlan plan = plan("INSERT INTO audit_log (msg) VALUES ('patients updated')");
        assertThat(plan.passThrough()).isTrue();
        assertThat(plan.hasEncryptedParameters()).isFalse();
    }

    @Test
    void mariaDbsInsertSetAndReplaceEncryptTheirValuesAsAnInsertDoes() throws Exception {
        for (String sql : java.util.List.of("INSERT INTO patients SET id = ?, ssn = ?, name = ?",
                "REPLACE INTO patients (id, ssn, name) VALUES (?, ?, ?)", "REPLACE patients SET id = ?, ssn = ?, name = ?",
                "INSERT INTO patients SET id = ?, ssn = ?, name = ? ON DUPLICATE KEY UPDATE city = 'x'")) {
            StatementPlan plan = plan(Dialect.MARIADB, sql);
            assertThat(plan.kind()).as(sql).isEqualTo(StatementPlan.Kind.INSERT);
            assertThat(plan.parameter(1)).as(sql).isNull();
            assertThat(plan.parameter(2)).as(sql).isEqualTo(SSN);
            assertThat(plan.parameter(3)).as(sql).isEqualTo(NAME);
            assertThat(plan.sql()).as(sql).isEqualTo(sql);
        }
        StatementPlan literals = plan(Dialect.MARIADB, "REPLACE INTO patients (id, ssn) VALUES (1, '123-45-6789')");
        assertThat(literals.literals()).extracting(LiteralSlot::column).containsExactly(SSN);
        assertThat(plan(Dialect.MARIADB, "INSERT INTO patients SET id = 1, ssn = '123-45-6789'").literals())
                .extracting(LiteralSlot::column).containsExactly(SSN);
        assertRejected(Dialect.MARIADB, "INSERT INTO patients SET ssn = UPPER(?)", "patients.ssn");
        assertRejected(Dialect.MARIADB, "REPLACE INTO patients (id, ssn) SELECT id, city FROM visits",
                "patients.ssn");
        assertRejected(Dialect.MARIADB, "REPLACE INTO patients SET name = ssn", "patients.ssn");
    }

    @Test
    void defaultForAnEncryptedColumnLeavesItAsLeavingItOutWould() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn, name) VALUES (?, DEFAULT, ?)");
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(NAME);
        assertThat(plan.literals()).isEmpty();
        assertThat(plan("UPDATE patients SET ssn = DEFAULT WHERE id = ?").parameter(1)).isNull();
        assertRejected(Dialect.POSTGRESQL, "INSERT INTO patients (id, ssn) VALUES (?, \"DEFAULT\")", "patients.ssn");
    }
}
