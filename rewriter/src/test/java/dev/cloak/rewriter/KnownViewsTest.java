package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.NAME;
import static dev.cloak.rewriter.Fixtures.SCHEMA;
import static dev.cloak.rewriter.Fixtures.SSN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Views over configured tables: Cloak learns them from the CREATE VIEW statements it plans and from the catalog,
 * read again once the catalog interval has passed, and plans statements on them as on their tables.
 */
class KnownViewsTest {

    /** A catalog whose views the test changes, counting how often Cloak read them. */
    private static final class TestCatalog implements Catalog {
        final List<ViewDefinition> views = new ArrayList<>();
        final AtomicInteger reads = new AtomicInteger();
        boolean answers = true;

        @Override
        public List<String> columns(String schema, String table) {
            return null;
        }

        @Override
        public List<ViewDefinition> views() {
            reads.incrementAndGet();
            return answers ? List.copyOf(views) : null;
        }
    }

    private static ViewDefinition view(String name, List<String> columns, String definition) {
        return new ViewDefinition("public", name, columns, definition);
    }

    private static UnsupportedStatementException rejection(SqlRewriter rewriter, String sql, Catalog catalog) {
        return catchThrowableOfType(UnsupportedStatementException.class, () -> rewriter.plan(sql, catalog));
    }

    @Test
    void viewCreatedThroughCloakDecryptsAndEncryptsLikeItsTable() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100);
        rewriter.schemaChanged(rewriter.plan("CREATE VIEW contacts AS SELECT id, ssn, name AS full_name FROM patients"));
        StatementPlan plan = rewriter.plan("SELECT full_name FROM contacts WHERE ssn = ?");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.projections()).containsExactly(new Projection.Column(NAME));
    }

    @Test
    void statementOnAViewPlannedBeforeCloakKnewItIsPlannedAgainOnceItDoes() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100);
        String lookup = "SELECT id FROM contacts WHERE ssn = ?";
        assertThat(rewriter.plan(lookup).passThrough()).isTrue();
        rewriter.schemaChanged(rewriter.plan("CREATE VIEW contacts AS SELECT id, ssn FROM patients"));
        assertThat(rewriter.plan(lookup).parameter(1)).isEqualTo(SSN);
    }

    @Test
    void droppedViewIsForgotten() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100);
        rewriter.schemaChanged(rewriter.plan("CREATE VIEW contacts AS SELECT id, ssn FROM patients"));
        rewriter.schemaChanged(rewriter.plan("DROP VIEW contacts"));
        assertThat(rewriter.plan("SELECT id FROM contacts WHERE ssn = ?").passThrough()).isTrue();
    }

    @Test
    void viewReplacedThroughCloakByOneOverPlainTablesIsForgotten() throws Exception {
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100);
        rewriter.schemaChanged(rewriter.plan("CREATE VIEW contacts AS SELECT id, ssn FROM patients"));
        rewriter.schemaChanged(rewriter.plan("CREATE OR REPLACE VIEW contacts AS SELECT id, city AS ssn FROM addresses"));
        assertThat(rewriter.plan("SELECT ssn FROM contacts WHERE ssn = ?").passThrough()).isTrue();
    }

    @Test
    void viewTheCatalogShowsIsKnownAtTheFirstStatement() throws Exception {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(view("contacts", List.of("id", "phone"), "SELECT p.id, p.ssn AS phone FROM patients p"));
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100);
        StatementPlan plan = rewriter.plan("SELECT phone FROM contacts WHERE phone = ?", catalog);
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.projections()).containsExactly(new Projection.Column(SSN));
    }

    @Test
    void aTemporaryViewIsKnownUnderPgTempAsTheCatalogsPgTempNSchema() throws Exception {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(new ViewDefinition("pg_temp_3", "contacts", List.of("id", "phone"),
                "SELECT p.id, p.ssn AS phone FROM patients p"));
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100);
        StatementPlan plan = rewriter.plan("INSERT INTO pg_temp.contacts (id, phone) VALUES (?, ?)", catalog);
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(rewriter.plan("SELECT id FROM pg_temp_3.contacts WHERE phone = ?", catalog).parameter(1))
                .isEqualTo(SSN);
    }

    @Test
    void viewColumnsAreTheCatalogsEvenWhenTheDefinitionDoesNotNameThem() throws Exception {
        TestCatalog catalog = new TestCatalog();
        // H2 keeps the query without the view's column list
        catalog.views.add(view("V2", List.of("A", "B"), "SELECT \"SSN\", \"NAME\" FROM \"PUBLIC\".\"PATIENTS\""));
        StatementPlan plan = new SqlRewriter(SCHEMA, 100).plan("SELECT b FROM v2 WHERE a = ?", catalog);
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.projections()).containsExactly(new Projection.Column(NAME));
    }

    @Test
    void viewOverAViewIsMappedWhateverOrderTheCatalogGivesThem() throws Exception {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(view("outer_view", List.of("x"), "SELECT phone AS x FROM inner_view"));
        catalog.views.add(view("inner_view", List.of("phone"), "SELECT ssn AS phone FROM patients"));
        StatementPlan plan = new SqlRewriter(SCHEMA, 100).plan("SELECT x FROM outer_view WHERE x = ?", catalog);
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void viewCloakCannotMapIsRefused() {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(view("shouting", List.of("id", "n"), "SELECT id, upper(name) AS n FROM patients"));
        UnsupportedStatementException e = rejection(new SqlRewriter(SCHEMA, 100), "SELECT n FROM shouting", catalog);
        assertThat(e.getMessage()).contains("view public.shouting reads configured tables",
                "cannot tell which of its columns hold encrypted values");
    }

    @Test
    void viewWhoseDefinitionTheCatalogHidesIsRefused() {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(view("hidden", List.of("id"), null));
        assertThat(rejection(new SqlRewriter(SCHEMA, 100), "SELECT id FROM hidden", catalog).getMessage())
                .contains("does not show its definition");
    }

    @Test
    void viewCreatedOutsideCloakIsLearnedWhenTheCatalogIsReadAgain() throws Exception {
        TestCatalog catalog = new TestCatalog();
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, null, Duration.ofMillis(50));
        String lookup = "SELECT id FROM contacts WHERE phone = ?";
        assertThat(rewriter.plan(lookup, catalog).passThrough()).isTrue();
        catalog.views.add(view("contacts", List.of("id", "phone"), "SELECT id, ssn AS phone FROM patients"));
        Thread.sleep(100);
        assertThat(rewriter.plan(lookup, catalog).parameter(1)).isEqualTo(SSN);
    }

    @Test
    void catalogIsNotReadAgainWithinTheInterval() throws Exception {
        TestCatalog catalog = new TestCatalog();
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, null, Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            rewriter.plan("SELECT ssn FROM patients WHERE id = " + i, catalog);
        }
        assertThat(catalog.reads).hasValue(1);
    }

    @Test
    void viewCreatedThroughCloakSurvivesACatalogReadThatDoesNotShowItYet() throws Exception {
        TestCatalog catalog = new TestCatalog();
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, null, Duration.ofHours(1));
        rewriter.plan("SELECT 1", catalog);
        // created in a transaction the catalog's reader cannot see yet, then a DROP TABLE makes views stale
        rewriter.schemaChanged(rewriter.plan("CREATE VIEW contacts AS SELECT id, ssn FROM patients"));
        rewriter.schemaChanged(rewriter.plan("DROP TABLE visits"));
        assertThat(rewriter.plan("SELECT id FROM contacts WHERE ssn = ?", catalog).parameter(1)).isEqualTo(SSN);
        assertThat(catalog.reads).hasValue(2);
    }

    @Test
    void viewDroppedOutsideCloakIsForgottenWhenTheCatalogNoLongerShowsIt() throws Exception {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(view("contacts", List.of("id", "phone"), "SELECT id, ssn AS phone FROM patients"));
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, null, Duration.ofMillis(50));
        assertThat(rewriter.plan("SELECT phone FROM contacts", catalog).hasEncryptedResults()).isTrue();
        catalog.views.clear();
        Thread.sleep(100);
        assertThat(rewriter.plan("SELECT phone FROM contacts", catalog).passThrough()).isTrue();
    }

    @Test
    void catalogThatDoesNotAnswerKeepsTheViewsKnownSoFar() throws Exception {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(view("contacts", List.of("id", "phone"), "SELECT id, ssn AS phone FROM patients"));
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, null, Duration.ofMillis(50));
        rewriter.plan("SELECT 1", catalog);
        catalog.answers = false;
        Thread.sleep(100);
        assertThat(rewriter.plan("SELECT phone FROM contacts WHERE phone = ?", catalog).parameter(1)).isEqualTo(SSN);
    }

    @Test
    void noStatementIsPlannedBeforeTheViewsWereReadOnce() throws Exception {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(view("contacts", List.of("id", "phone"), "SELECT id, ssn AS phone FROM patients"));
        catalog.answers = false;
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, null, Duration.ofMillis(50));
        // a view made outside Cloak (a lock held on the catalog, a timeout): not taken for a plain table
        assertThat(rejection(rewriter, "SELECT id FROM contacts WHERE phone = 'x'", catalog).getMessage())
                .contains("views could not be read").doesNotContain("'x'");
        assertThat(rejection(rewriter, "SELECT 1", catalog)).isNotNull();
        catalog.answers = true;
        Thread.sleep(100);
        assertThat(rewriter.plan("SELECT id FROM contacts WHERE phone = ?", catalog).parameter(1)).isEqualTo(SSN);
    }

    @Test
    void sameViewNameInTwoSchemasWithDifferentColumnsIsRefusedWithoutASchema() {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(new ViewDefinition("a", "contacts", List.of("x"), "SELECT ssn AS x FROM patients"));
        catalog.views.add(new ViewDefinition("b", "contacts", List.of("x"), "SELECT name AS x FROM patients"));
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100);
        assertThat(rejection(rewriter, "SELECT x FROM contacts", catalog).getMessage())
                .contains("views of this name in several schemas differ");
    }

    @Test
    void viewQualifiedWithItsSchemaIsMappedAlthoughAnotherSchemaHasOneOfThatName() throws Exception {
        TestCatalog catalog = new TestCatalog();
        catalog.views.add(new ViewDefinition("a", "contacts", List.of("x"), "SELECT ssn AS x FROM patients"));
        catalog.views.add(new ViewDefinition("b", "contacts", List.of("x"), "SELECT name AS x FROM patients"));
        StatementPlan plan = new SqlRewriter(SCHEMA, 100).plan("SELECT x FROM b.contacts", catalog);
        assertThat(plan.projections()).containsExactly(new Projection.Column(NAME));
    }
}
