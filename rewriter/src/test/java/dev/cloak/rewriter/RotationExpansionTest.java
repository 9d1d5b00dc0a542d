package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** During rotation, lookups on a deterministic column compare with one ciphertext per key version. */
class RotationExpansionTest {

    private static final StatementPlan.LiteralText TAGGED = (slot, version) -> "X'0" + version + "'";

    private static StatementPlan.Expansion twoVersions(String sql) throws Exception {
        return Fixtures.plan(sql).expand(column -> 2, TAGGED);
    }

    @Test
    void equalityBecomesInWithOneParameterPerVersion() throws Exception {
        StatementPlan.Expansion expansion = twoVersions("SELECT id FROM patients WHERE ssn = ? AND id > ?");

        assertThat(expansion.sql()).isEqualTo("SELECT id FROM patients WHERE ssn IN (?, ?) AND id > ?");
        assertThat(expansion.parameterCount()).isEqualTo(3);
        assertThat(expansion.first(1)).isEqualTo(1);
        assertThat(expansion.width(1)).isEqualTo(2);
        assertThat(expansion.first(2)).isEqualTo(3);
        assertThat(expansion.width(2)).isEqualTo(1);
    }

    @Test
    void valueOnTheLeftAndQualifiedOperandsKeepTheirOperand() throws Exception {
        assertThat(twoVersions("SELECT p.id FROM patients p WHERE ? = p.ssn").sql())
                .isEqualTo("SELECT p.id FROM patients p WHERE p.ssn IN (?, ?)");
        assertThat(Fixtures.plan(Dialect.POSTGRESQL, "SELECT id FROM patients WHERE \"patients\".ssn=?")
                .expand(column -> 2, TAGGED).sql())
                .isEqualTo("SELECT id FROM patients WHERE \"patients\".ssn IN (?, ?)");
    }

    @Test
    void inequalityBecomesNotIn() throws Exception {
        assertThat(twoVersions("SELECT id FROM patients WHERE ssn <> ?").sql())
                .isEqualTo("SELECT id FROM patients WHERE ssn NOT IN (?, ?)");
        assertThat(twoVersions("SELECT id FROM patients WHERE ssn != ?").sql())
                .isEqualTo("SELECT id FROM patients WHERE ssn NOT IN (?, ?)");
    }

    @Test
    void nullSafeTestsAreRepeatedPerVersionSoANullValueStillMatchesNull() throws Exception {
        StatementPlan.Expansion expansion = twoVersions(
                "SELECT id FROM patients WHERE ssn IS NOT DISTINCT FROM ? AND id > ?");
        assertThat(expansion.sql()).isEqualTo("SELECT id FROM patients WHERE (ssn IS NOT DISTINCT FROM ? OR"
                + " ssn IS NOT DISTINCT FROM ?) AND id > ?");
        assertThat(new int[] {expansion.first(1), expansion.width(1), expansion.first(2)}).containsExactly(1, 2, 3);
        assertThat(twoVersions("SELECT id FROM patients p WHERE p.ssn IS DISTINCT FROM '123-45-6789'").sql())
                .isEqualTo("SELECT id FROM patients p WHERE (p.ssn IS DISTINCT FROM X'00' AND"
                        + " p.ssn IS DISTINCT FROM X'01')");
        assertThat(Fixtures.plan(Dialect.MARIADB, "SELECT id FROM patients WHERE ssn <=> ?")
                .expand(column -> 2, TAGGED).sql())
                .isEqualTo("SELECT id FROM patients WHERE (ssn <=> ? OR ssn <=> ?)");
    }

    @Test
    void aNullSafeTestWithTheValueFirstIsNotRewrittenForSeveralVersions() throws Exception {
        StatementPlan plan = Fixtures.plan("SELECT id FROM patients WHERE ? IS NOT DISTINCT FROM ssn");
        assertThat(plan.parameter(1)).isNotNull();
        assertThatThrownBy(() -> plan.expand(column -> 2, TAGGED)).isInstanceOf(UnsupportedStatementException.class)
                .hasMessageContaining("rotation in progress");
        assertThat(plan.expand(column -> 1, TAGGED).sql()).isEqualTo(plan.sql());
    }

    @Test
    void everyListItemGetsOneCopyPerVersion() throws Exception {
        StatementPlan.Expansion expansion = twoVersions("SELECT id FROM patients WHERE ssn IN (?, ?) AND id = ?");

        assertThat(expansion.sql()).isEqualTo("SELECT id FROM patients WHERE ssn IN (?, ?, ?, ?) AND id = ?");
        assertThat(new int[] {expansion.first(1), expansion.first(2), expansion.first(3)}).containsExactly(1, 3, 5);
        assertThat(twoVersions("SELECT id FROM patients WHERE ssn NOT IN (?)").sql())
                .isEqualTo("SELECT id FROM patients WHERE ssn NOT IN (?, ?)");
    }

    @Test
    void literalsInLookupsGetOneCiphertextPerVersionAndOthersThePrimary() throws Exception {
        StatementPlan.Expansion expansion = twoVersions(
                "UPDATE patients SET ssn = '111-11-1111' WHERE ssn = '123-45-6789' OR ssn IN ('222-22-2222')");

        assertThat(expansion.sql()).isEqualTo(
                "UPDATE patients SET ssn = X'00' WHERE ssn IN (X'00', X'01') OR ssn IN (X'00', X'01')");
        assertThat(expansion.parameterCount()).isZero();
    }

    @Test
    void assignmentsAndInsertedValuesAreNotLookups() throws Exception {
        assertThat(twoVersions("UPDATE patients SET ssn = ? WHERE id = ?").sql())
                .isEqualTo("UPDATE patients SET ssn = ? WHERE id = ?");
        assertThat(twoVersions("INSERT INTO patients (id, ssn) VALUES (?, ?)").sql())
                .isEqualTo("INSERT INTO patients (id, ssn) VALUES (?, ?)");
        assertThat(Fixtures.plan("INSERT INTO patients (id, ssn) VALUES (?, ?)").lookups()).isEmpty();
    }

    @Test
    void onlyDomainsWithSeveralVersionsAreExpanded() throws Exception {
        StatementPlan plan = Fixtures.plan("SELECT v.id FROM visits v JOIN cards c ON c.id = v.id"
                + " WHERE v.patient_ssn = ? AND c.pan = ?");

        StatementPlan.Expansion expansion =
                plan.expand(column -> column.keyDomain().equals("patients.ssn") ? 3 : 1, TAGGED);

        assertThat(expansion.sql()).endsWith("WHERE v.patient_ssn IN (?, ?, ?) AND c.pan = ?");
        assertThat(expansion.first(2)).isEqualTo(4);
    }

    @Test
    void severalStatementsShiftTheirLookups() throws Exception {
        StatementPlan.Expansion expansion = twoVersions(
                "DELETE FROM visits WHERE patient_ssn = ?; DELETE FROM patients WHERE ssn = ?");

        assertThat(expansion.sql())
                .isEqualTo("DELETE FROM visits WHERE patient_ssn IN (?, ?); DELETE FROM patients WHERE ssn IN (?, ?)");
        assertThat(expansion.first(2)).isEqualTo(3);
    }

    @Test
    void aLookupThatCannotBeLocatedIsRefusedOnlyWhileSeveralVersionsExist() throws Exception {
        StatementPlan plan = Fixtures.plan("SELECT id FROM patients WHERE ssn = /* why */ ?");

        assertThat(plan.lookups()).singleElement().matches(lookup -> !lookup.expandable());
        assertThat(plan.expand(column -> 1, TAGGED).sql()).isEqualTo(plan.sql());
        assertThatThrownBy(() -> plan.expand(column -> 2, TAGGED))
                .isInstanceOf(UnsupportedStatementException.class)
                .hasMessageContaining("patients.ssn")
                .hasMessageContaining("rotation");
    }

    @Test
    void lookupSlotsNeverShowLiteralValues() throws Exception {
        StatementPlan plan = Fixtures.plan("SELECT id FROM patients WHERE ssn = '123-45-6789'");

        assertThat(plan.lookups()).singleElement().satisfies(lookup -> {
            assertThat(lookup.literal()).isNotNull();
            assertThat(lookup.toString()).doesNotContain("123-45-6789");
        });
    }
}
