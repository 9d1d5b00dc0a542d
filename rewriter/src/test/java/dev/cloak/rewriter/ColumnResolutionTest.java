package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.NAME;
import static dev.cloak.rewriter.Fixtures.PAN;
import static dev.cloak.rewriter.Fixtures.PATIENT_SSN;
import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.DOB;
import static dev.cloak.rewriter.Fixtures.TOKEN;
import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Column resolution through aliases, schemas, quoting, joins, derived tables, subqueries, CTEs and set operations. */
class ColumnResolutionTest {

    private static final Projection PLAIN = new Projection.Column(null);

    private static Projection column(EncryptedColumn column) {
        return new Projection.Column(column);
    }

    @Test
    void qualifiedColumnsResolveThroughTableAliasesInAJoin() throws Exception {
        StatementPlan plan = plan("SELECT p.ssn, v.patient_ssn, v.id FROM patients p JOIN visits v ON v.patient_id = p.id");
        assertThat(plan.projections()).containsExactly(column(SSN), column(PATIENT_SSN), PLAIN);
    }

    @Test
    void unqualifiedColumnResolvesToTheJoinedTableThatEncryptsIt() throws Exception {
        StatementPlan plan = plan("SELECT name, visit_date FROM patients p JOIN visits v ON v.patient_id = p.id"
                + " WHERE patient_ssn = ?");
        assertThat(plan.projections()).containsExactly(column(NAME), PLAIN);
        assertThat(plan.parameter(1)).isEqualTo(PATIENT_SSN);
    }

    @Test
    void schemaQualifiedColumnReferenceResolves() throws Exception {
        StatementPlan plan = plan("SELECT billing.cards.pan FROM billing.cards WHERE billing.cards.pan = ?");
        assertThat(plan.projections()).containsExactly(column(PAN));
        assertThat(plan.parameter(1)).isEqualTo(PAN);
    }

    @Test
    void quotedAliasAndQuotedColumnResolveToQuotedPolicyColumn() throws Exception {
        StatementPlan plan = plan(Dialect.POSTGRESQL,
                "SELECT \"v\".\"Token\" FROM \"Vault\" \"v\" JOIN doctors d ON d.id = \"v\".id");
        assertThat(plan.projections()).containsExactly(column(TOKEN));
    }

    @Test
    void outerAndCrossJoinsResolveColumnsOfEverySide() throws Exception {
        for (String join : new String[] {"LEFT JOIN", "RIGHT JOIN", "FULL OUTER JOIN", "INNER JOIN"}) {
            StatementPlan plan = plan("SELECT p.name, v.patient_ssn FROM patients p " + join
                    + " visits v ON v.patient_id = p.id WHERE v.patient_ssn = ?");
            assertThat(plan.projections()).as(join).containsExactly(column(NAME), column(PATIENT_SSN));
            assertThat(plan.parameter(1)).as(join).isEqualTo(PATIENT_SSN);
        }
        StatementPlan cross = plan("SELECT p.dob, d.name FROM patients p CROSS JOIN doctors d");
        assertThat(cross.projections()).containsExactly(column(DOB), PLAIN);
    }

    @Test
    void parameterInJoinOnIsAnEncryptedSlot() throws Exception {
        StatementPlan plan = plan("SELECT p.id FROM patients p JOIN visits v ON v.patient_id = p.id AND v.patient_ssn = ?");
        assertThat(plan.parameter(1)).isEqualTo(PATIENT_SSN);
    }

    @Test
    void joinOnDeterministicColumnsOfOneKeyDomainIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT p.id, v.id FROM patients p JOIN visits v ON v.patient_ssn = p.ssn");
        assertThat(plan.projections()).containsExactly(PLAIN, PLAIN);
    }

    @Test
    void joinOnRandomizedColumnIsRejectedNamingBothColumns() {
        assertRejected("SELECT p.id FROM patients p JOIN visits v ON v.patient_ssn = p.name",
                "between encrypted columns visits.patient_ssn and patients.name");
    }

    @Test
    void joinOnColumnsOfDifferentKeyDomainsIsRejectedNamingBothColumns() {
        assertRejected("SELECT p.id FROM patients p JOIN billing.cards c ON c.pan = p.ssn",
                "billing.cards.pan and patients.ssn", "one key domain");
    }

    @Test
    void joinOnEncryptedAndPlainColumnIsRejected() {
        assertRejected("SELECT p.id FROM patients p JOIN doctors d ON d.code = p.ssn",
                "encrypted column patients.ssn with a column or expression");
    }

    @Test
    void joinUsingDeterministicColumnsOfOneKeyDomainIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT p.id FROM patients p JOIN (SELECT patient_ssn AS ssn FROM visits) x USING (ssn)");
        assertThat(plan.projections()).containsExactly(PLAIN);
    }

    @Test
    void joinUsingEncryptedColumnAgainstAPlainTableIsRejected() {
        assertRejected("SELECT patients.id FROM patients JOIN doctors USING (ssn)",
                "JOIN ... USING on ssn compares encrypted column patients.ssn with a plain column");
    }

    @Test
    void naturalJoinOfConfiguredTableWithAPlainTableIsRejected() {
        assertRejected("SELECT id FROM patients NATURAL JOIN doctors", "NATURAL JOIN", "write JOIN ... ON");
    }

    @Test
    void naturalJoinOfDerivedTablesSharingOneKeyDomainIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT ssn FROM (SELECT ssn FROM patients) a"
                + " NATURAL JOIN (SELECT patient_ssn AS ssn FROM visits) b");
        assertThat(plan.projections()).containsExactly(column(SSN));
    }

    @Test
    void naturalJoinOfDerivedTablesWithDifferentKeyDomainsIsRejected() {
        assertRejected("SELECT a.id FROM (SELECT id, ssn FROM patients) a"
                + " NATURAL JOIN (SELECT id, pan AS ssn FROM billing.cards) b", "NATURAL JOIN",
                "patients.ssn and billing.cards.pan");
    }

    @Test
    void derivedTableColumnsCarryTheirEncryptionThroughAliases() throws Exception {
        StatementPlan plan = plan("SELECT x.s, x.n FROM (SELECT ssn AS s, name AS n FROM patients WHERE ssn = ?) x");
        assertThat(plan.projections()).containsExactly(column(SSN), column(NAME));
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void derivedTableColumnComparedWithParameterIsAnEncryptedSlot() throws Exception {
        StatementPlan plan = plan("SELECT id FROM (SELECT id, ssn FROM patients) x WHERE x.ssn = ?");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.projections()).containsExactly(PLAIN);
    }

    @Test
    void derivedTableColumnListRenamesEncryptedColumns() throws Exception {
        StatementPlan plan = plan("SELECT x.a FROM (SELECT ssn FROM patients) AS x (a) WHERE a = ?");
        assertThat(plan.projections()).containsExactly(column(SSN));
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void orderByEncryptedColumnOfDerivedTableIsRejected() {
        assertRejected("SELECT x.n FROM (SELECT name AS n FROM patients) x ORDER BY x.n",
                "ORDER BY on randomized column patients.name");
    }

    @Test
    void starOverDerivedTableYieldsItsProjections() throws Exception {
        StatementPlan plan = plan("SELECT * FROM (SELECT id, ssn FROM patients) x");
        assertThat(plan.projections()).containsExactly(PLAIN, column(SSN));
    }

    @Test
    void subqueryInWhereIsAnalysedAndItsParametersAreSlots() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE id IN (SELECT patient_id FROM visits WHERE patient_ssn = ?)"
                + " AND ssn = ?");
        assertThat(plan.parameter(1)).isEqualTo(PATIENT_SSN);
        assertThat(plan.parameter(2)).isEqualTo(SSN);
    }

    @Test
    void subqueryInDeleteIsAnalysed() throws Exception {
        StatementPlan plan = plan("DELETE FROM patients WHERE id IN (SELECT patient_id FROM visits WHERE patient_ssn = ?)");
        assertThat(plan.parameter(1)).isEqualTo(PATIENT_SSN);
    }

    @Test
    void correlatedSubqueryResolvesTheOuterAlias() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients p WHERE EXISTS"
                + " (SELECT 1 FROM visits v WHERE v.patient_ssn = p.ssn AND v.doctor_id = ?)");
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.projections()).containsExactly(PLAIN);
    }

    @Test
    void correlatedReferenceToOuterRandomizedColumnIsRejected() {
        assertRejected("SELECT id FROM patients p WHERE EXISTS (SELECT 1 FROM visits v WHERE v.note = p.name)",
                "randomized column patients.name");
    }

    @Test
    void unqualifiedReferenceThatMayMeanAnOuterEncryptedColumnIsRejected() {
        assertRejected("SELECT id FROM patients p WHERE EXISTS (SELECT 1 FROM doctors d WHERE ssn = ?)",
                "may mean encrypted column patients.ssn", "qualify it");
    }

    @Test
    void scalarSubqueryInSelectListCarriesItsEncryption() throws Exception {
        StatementPlan plan = plan("SELECT id, (SELECT v.patient_ssn FROM visits v WHERE v.id = ?) FROM patients");
        assertThat(plan.projections()).containsExactly(PLAIN, column(PATIENT_SSN));
        assertThat(plan.parameter(1)).isNull();
    }

    @Test
    void subqueryReturningEncryptedColumnInsidePlainExpressionIsRejected() {
        assertRejected("SELECT id FROM patients WHERE note LIKE (SELECT name FROM patients WHERE id = ?)",
                "a subquery returning encrypted column patients.name in LIKE");
    }

    @Test
    void commonTableExpressionColumnsCarryTheirEncryption() throws Exception {
        StatementPlan plan = plan("WITH p AS (SELECT ssn, name FROM patients) SELECT ssn, name FROM p WHERE ssn = ?");
        assertThat(plan.projections()).containsExactly(column(SSN), column(NAME));
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void commonTableExpressionColumnListRenamesColumns() throws Exception {
        StatementPlan plan = plan("WITH p (s) AS (SELECT ssn FROM patients) SELECT s FROM p WHERE s = ?");
        assertThat(plan.projections()).containsExactly(column(SSN));
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void recursiveCommonTableExpressionResolvesItsOwnColumnsFromTheAnchor() throws Exception {
        StatementPlan plan = plan("WITH RECURSIVE chain (id, ssn) AS (SELECT id, ssn FROM patients WHERE ssn = ?"
                + " UNION ALL SELECT p.id, p.ssn FROM patients p JOIN chain c ON p.parent_id = c.id)"
                + " SELECT ssn FROM chain");
        assertThat(plan.projections()).containsExactly(column(SSN));
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void unionOfColumnsOfOneKeyDomainIsAllowed() throws Exception {
        StatementPlan plan = plan("SELECT ssn FROM patients WHERE id = ? UNION SELECT patient_ssn FROM visits WHERE patient_ssn = ?");
        assertThat(plan.projections()).containsExactly(column(SSN));
        assertThat(plan.parameter(2)).isEqualTo(PATIENT_SSN);
    }

    @Test
    void intersectAndExceptOfOneKeyDomainAreAllowed() throws Exception {
        assertThat(plan("SELECT ssn FROM patients INTERSECT SELECT patient_ssn FROM visits").projections())
                .containsExactly(column(SSN));
        assertThat(plan("SELECT ssn FROM patients EXCEPT SELECT patient_ssn FROM visits").projections())
                .containsExactly(column(SSN));
    }

    @Test
    void unionOfEncryptedAndPlainColumnIsRejected() {
        assertRejected("SELECT ssn FROM patients UNION ALL SELECT code FROM doctors",
                "encrypted column patients.ssn and a plain value in result column 1");
    }

    @Test
    void unionOfDifferentKeyDomainsIsRejected() {
        assertRejected("SELECT id, ssn FROM patients UNION ALL SELECT id, pan FROM billing.cards",
                "patients.ssn and billing.cards.pan in result column 2");
    }

    @Test
    void unionWithoutAllOnRandomizedColumnIsRejected() {
        assertRejected("SELECT name FROM patients UNION SELECT name FROM patients",
                "UNION/INTERSECT/EXCEPT without ALL on randomized column patients.name");
    }

    @Test
    void unionAllOnRandomizedColumnIsAllowed() throws Exception {
        assertThat(plan("SELECT name FROM patients WHERE id = ? UNION ALL SELECT name FROM patients WHERE id = ?")
                .projections()).containsExactly(column(NAME));
    }

    @Test
    void starOverSeveralTablesGivesOneProjectionPerTableInFromOrder() throws Exception {
        StatementPlan plan = plan("SELECT * FROM patients p JOIN visits v ON v.patient_id = p.id"
                + " JOIN doctors d ON d.id = v.doctor_id");
        assertThat(plan.projections()).containsExactly(
                new Projection.AllColumns(Map.of("ssn", SSN, "name", NAME, "dob", DOB)),
                new Projection.AllColumns(Map.of("patient_ssn", PATIENT_SSN)),
                new Projection.AllColumns(Map.of()));
        assertThat(plan.starTable(0)).isEqualTo(new StarTable(null, "patients"));
        assertThat(plan.starTable(1)).isEqualTo(new StarTable(null, "visits"));
        assertThat(plan.starTable(2)).isEqualTo(new StarTable(null, "doctors"));
    }

    @Test
    void tableStarCoversOnlyTheNamedTable() throws Exception {
        StatementPlan plan = plan("SELECT v.*, p.name FROM patients p JOIN billing.cards v ON v.id = p.id");
        assertThat(plan.projections()).containsExactly(new Projection.AllColumns(Map.of("pan", PAN)), column(NAME));
        assertThat(plan.starTable(0)).isEqualTo(new StarTable("billing", "cards"));
        assertThat(plan.starTable(1)).isNull();
    }
}
