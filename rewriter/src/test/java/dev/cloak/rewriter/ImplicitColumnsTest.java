package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.NAME;
import static dev.cloak.rewriter.Fixtures.SCHEMA;
import static dev.cloak.rewriter.Fixtures.SSN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * INSERT without a column list into a configured table: planned with the columns the catalog gives, named in the
 * text; the plan ages with the catalog (DDL Cloak saw, the catalog interval) and a catalog that does not answer
 * leaves nothing cached.
 */
class ImplicitColumnsTest {

    /** A catalog whose column list of patients the test sets, counting how often Cloak asked. */
    private static final class Columns implements Catalog {
        volatile List<String> patients = List.of("id", "ssn", "name");
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public List<String> columns(String schema, String table) {
            asked.incrementAndGet();
            return Identifiers.key(table).equals("patients") ? patients : null;
        }

        @Override
        public List<ViewDefinition> views() {
            return List.of();
        }
    }

    @Test
    void valuesAreEncryptedForTheColumnsTheCatalogGivesInItsOrder() throws Exception {
        StatementPlan plan = new SqlRewriter(SCHEMA, 100, Dialect.H2).plan("INSERT INTO patients VALUES (?, ?, ?)",
                new Columns());
        assertThat(plan.parameter(1)).isNull();
        assertThat(plan.parameter(2)).isEqualTo(SSN);
        assertThat(plan.parameter(3)).isEqualTo(NAME);
        assertThat(plan.sql()).isEqualTo("INSERT INTO patients (\"id\", \"ssn\", \"name\") VALUES (?, ?, ?)");
    }

    @Test
    void mariaDbColumnsAreNamedWithBackquotes() throws Exception {
        StatementPlan plan = new SqlRewriter(SCHEMA, 100, Dialect.MARIADB)
                .plan("INSERT IGNORE INTO patients VALUES (1, 'Nora Quill', 'x')", new Columns());
        assertThat(plan.sql()).startsWith("INSERT IGNORE INTO patients (`id`, `ssn`, `name`) VALUES");
        assertThat(plan.literals()).extracting(LiteralSlot::column).containsExactly(SSN, NAME);
    }

    @Test
    void catalogIsAskedOnceForACachedText() throws Exception {
        Columns catalog = new Columns();
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, Dialect.POSTGRESQL);
        for (int i = 0; i < 3; i++) {
            rewriter.plan("INSERT INTO patients VALUES (?, ?, ?)", catalog);
        }
        assertThat(catalog.asked).hasValue(1);
    }

    @Test
    void ddlCloakSawOnTheTableMakesThePlanAskTheCatalogAgain() throws Exception {
        Columns catalog = new Columns();
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, Dialect.POSTGRESQL);
        String insert = "INSERT INTO patients VALUES (?, ?, ?)";
        assertThat(rewriter.plan(insert, catalog).parameter(3)).isEqualTo(NAME);
        rewriter.schemaChanged(rewriter.plan("ALTER TABLE patients DROP COLUMN city"));
        catalog.patients = List.of("id", "name", "ssn");
        assertThat(rewriter.plan(insert, catalog).parameter(3)).isEqualTo(SSN);
    }

    @Test
    void planIsMadeAgainOnceTheCatalogIntervalHasPassed() throws Exception {
        Columns catalog = new Columns();
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, Dialect.POSTGRESQL, Duration.ofMillis(50));
        rewriter.plan("INSERT INTO patients VALUES (?, ?, ?)", catalog);
        Thread.sleep(100);
        rewriter.plan("INSERT INTO patients VALUES (?, ?, ?)", catalog);
        assertThat(catalog.asked).hasValue(2);
    }

    @Test
    void catalogThatDoesNotAnswerRefusesTheInsertButLeavesNothingCached() throws Exception {
        Columns catalog = new Columns();
        catalog.patients = null;
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 100, Dialect.POSTGRESQL);
        UnsupportedStatementException e = catchThrowableOfType(UnsupportedStatementException.class,
                () -> rewriter.plan("INSERT INTO patients VALUES (?, ?)", catalog));
        assertThat(e.getMessage()).contains("INSERT without a column list on configured table patients",
                "name the columns");
        catalog.patients = List.of("id", "ssn");
        assertThat(rewriter.plan("INSERT INTO patients VALUES (?, ?)", catalog).parameter(2)).isEqualTo(SSN);
    }

    @Test
    void postgreSqlFillsTheLeadingColumnsOfAShorterRow() throws Exception {
        StatementPlan plan = new SqlRewriter(SCHEMA, 100, Dialect.POSTGRESQL)
                .plan("INSERT INTO patients VALUES (?, ?)", new Columns());
        assertThat(plan.sql()).isEqualTo("INSERT INTO patients (\"id\", \"ssn\") VALUES (?, ?)");
    }

    @Test
    void columnNameWithAQuoteIsQuotedSoTheDatabaseReadsExactlyIt() throws Exception {
        Columns catalog = new Columns();
        catalog.patients = List.of("id", "we\"ird", "ssn");
        StatementPlan plan = new SqlRewriter(SCHEMA, 100, Dialect.H2).plan("INSERT INTO patients VALUES (1, 2, ?)",
                catalog);
        assertThat(plan.sql()).startsWith("INSERT INTO patients (\"id\", \"we\"\"ird\", \"ssn\")");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }
}
