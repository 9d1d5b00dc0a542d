package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.PAN;
import static dev.cloak.rewriter.Fixtures.SCHEMA;
import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.TOKEN;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifierMatchingTest {

    @Test
    void unquotedPolicyNameMatchesAnyCaseAndQuoting() {
        assertThat(SCHEMA.find(null, "PATIENTS", "SSN")).contains(SSN);
        assertThat(SCHEMA.find(null, "\"patients\"", "\"ssn\"")).contains(SSN);
        assertThat(SCHEMA.find(null, "`Patients`", "`Ssn`")).contains(SSN);
        assertThat(SCHEMA.find("public", "patients", "ssn")).contains(SSN);
    }

    @Test
    void quotedPolicyNameMatchesQuotedIdentifiersExactly() {
        assertThat(SCHEMA.find(null, "\"Vault\"", "\"Token\"")).contains(TOKEN);
        assertThat(SCHEMA.find(null, "\"vault\"", "\"token\"")).isEmpty();
    }

    @Test
    void policySchemaMatchesThatSchemaOrNone() {
        assertThat(SCHEMA.find("billing", "cards", "pan")).contains(PAN);
        assertThat(SCHEMA.find(null, "cards", "pan")).contains(PAN);
        assertThat(SCHEMA.find("BILLING", "CARDS", "PAN")).contains(PAN);
        assertThat(SCHEMA.find("sales", "cards", "pan")).isEmpty();
        assertThat(SCHEMA.isConfiguredTable("sales", "cards")).isFalse();
        assertThat(SCHEMA.isConfiguredTable("billing", "cards")).isTrue();
    }

    @Test
    void mayMentionIsFalseOnlyWithoutAConfiguredTableWord() {
        assertThat(SCHEMA.mayMention("select * from PATIENTS")).isTrue();
        assertThat(SCHEMA.mayMention("select * from \"Patients\"")).isTrue();
        assertThat(SCHEMA.mayMention("select * from patients_archive")).isFalse();
        assertThat(SCHEMA.mayMention("select * from doctors")).isFalse();
        assertThat(SCHEMA.mayMention("select * from U&\"p\\0061tients\"")).isTrue();
    }

    @Test
    void mayMentionFallsBackToSubstringForTableNamesThatAreNotWords() {
        EncryptedSchema odd = EncryptedSchema.of(List.of(
                new EncryptedColumn(null, "patient records", "ssn", true, true, "patient records.ssn")));
        assertThat(odd.mayMention("SELECT * FROM \"Patient Records\"")).isTrue();
        assertThat(odd.mayMention("SELECT * FROM patients")).isFalse();
    }

    @Test
    void sqlInUpperCaseAndQuotedMatchesTheSameColumns() throws Exception {
        StatementPlan upper = plan("SELECT SSN FROM PATIENTS WHERE SSN = ?");
        StatementPlan quoted = plan(Dialect.POSTGRESQL, "SELECT \"ssn\" FROM \"patients\" WHERE \"ssn\" = ?");
        StatementPlan backticks = plan(Dialect.MARIADB, "SELECT `ssn` FROM `patients` WHERE `ssn` = ?");
        for (StatementPlan plan : List.of(upper, quoted, backticks)) {
            assertThat(plan.parameter(1)).isEqualTo(SSN);
            assertThat(plan.projections()).containsExactly(new Projection.Column(SSN));
        }
    }

    @Test
    void schemaQualifiedTableMatchesPolicyWithSchema() throws Exception {
        assertThat(plan("SELECT pan FROM billing.cards WHERE pan = ?").parameter(1)).isEqualTo(PAN);
        assertThat(plan("SELECT pan FROM cards WHERE pan = ?").parameter(1)).isEqualTo(PAN);
        StatementPlan otherSchema = plan("SELECT pan FROM sales.cards WHERE pan = ?");
        assertThat(otherSchema.passThrough()).isTrue();
    }

    @Test
    void quotedPolicyTableMatchesExactQuotedSql() throws Exception {
        assertThat(plan(Dialect.POSTGRESQL, "INSERT INTO \"Vault\" (\"Token\") VALUES (?)").parameter(1))
                .isEqualTo(TOKEN);
        assertThat(plan(Dialect.POSTGRESQL, "INSERT INTO \"vault\" (\"token\") VALUES (?)").passThrough()).isTrue();
    }
    @Test
    void aNamePostgresqlCutsToAConfiguredTablesNameIsAMention() throws Exception {
        String table = "patient_records_" + "x".repeat(47); // 63 bytes, as long as PostgreSQL keeps
        SqlRewriter rewriter = new SqlRewriter(EncryptedSchema.of(List.of(
                new EncryptedColumn(null, table, "ssn", false, true, table + ".ssn"))), 10, Dialect.POSTGRESQL);
        UnsupportedStatementException e = catchThrowableOfType(
                UnsupportedStatementException.class,
                () -> rewriter.plan("INSERT INTO " + table + "_archive (ssn) VALUES ('123-45-6789')"));
        assertThat(e).hasMessageContaining("63 bytes").hasMessageContaining(table).hasMessageNotContaining("6789");
        assertThat(rewriter.plan("INSERT INTO " + table + " (ssn) VALUES (?)").parameter(1)).isNotNull();
    }
}
