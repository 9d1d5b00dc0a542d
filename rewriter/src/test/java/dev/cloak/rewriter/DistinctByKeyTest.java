package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.NAME;
import static dev.cloak.rewriter.Fixtures.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code SELECT DISTINCT} over a randomized column passes where the select list also holds the primary key of the
 * column's table, from the same FROM item (rows with one key are one stored row, whose cells are equal), as
 * Hibernate writes a query for entities with a join; the key comes from the catalog, and the plan ages with it.
 */
class DistinctByKeyTest {

    /** A catalog in which patients has the primary key {@code id} and visits none, counting the key questions. */
    private static final class Keys implements Catalog {
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public List<String> columns(String schema, String table) {
            return switch (Identifiers.key(table)) {
                case "patients" -> List.of("id", "ssn", "name", "dob", "city");
                case "visits" -> List.of("id", "patient_ssn", "visited_on", "patient_id");
                default -> null;
            };
        }

        @Override
        public List<String> primaryKey(String schema, String table) {
            asked.incrementAndGet();
            return switch (Identifiers.key(table)) {
                case "patients" -> List.of("ID");
                case "visits" -> List.of();
                default -> null;
            };
        }

        @Override
        public List<ViewDefinition> views() {
            return List.of();
        }
    }

    private static StatementPlan plan(String sql, Catalog catalog) throws UnsupportedStatementException {
        return new SqlRewriter(SCHEMA, 100, Dialect.POSTGRESQL).plan(sql, catalog);
    }

    private static String refusal(String sql, Catalog catalog) {
        UnsupportedStatementException e =
                catchThrowableOfType(UnsupportedStatementException.class, () -> plan(sql, catalog));
        assertThat((Throwable) e).as(sql).isNotNull();
        return e.getMessage();
    }

    @Test
    void aRandomizedColumnBesideItsTablesKeyFromTheSameFromItemPasses() throws Exception {
        Keys keys = new Keys();
        for (String sql : List.of(
                "select distinct p1_0.id, p1_0.name, p1_0.city from patients p1_0 left join visits v1_0"
                        + " on p1_0.ssn = v1_0.patient_ssn where p1_0.city = ?",
                "SELECT DISTINCT name, id FROM patients",
                "SELECT DISTINCT p.* FROM patients p JOIN visits v ON v.patient_ssn = p.ssn")) {
            StatementPlan plan = plan(sql, keys);
            assertThat(plan.hasEncryptedResults()).as(sql).isTrue();
            assertThat(plan.dependsOnCatalog()).as(sql).isTrue();
        }
        assertThat(keys.asked.get()).isEqualTo(3);
        assertThat(plan("SELECT DISTINCT name, id FROM patients", keys).projections())
                .containsExactly(new Projection.Column(NAME), new Projection.Column(null));
    }

    @Test
    void withoutTheKeyOrTheCatalogOrFromAnotherFromItemItIsRefused() {
        Keys keys = new Keys();
        for (String sql : List.of("SELECT DISTINCT name FROM patients",
                "SELECT DISTINCT p.city, p.name FROM patients p",
                "SELECT DISTINCT v.id, p.name FROM patients p JOIN visits v ON v.patient_ssn = p.ssn",
                "SELECT DISTINCT a.id, a.name, b.name FROM patients a JOIN patients b ON a.ssn = b.ssn",
                "SELECT DISTINCT p.id, (SELECT q.name FROM patients q WHERE q.id = v.id) FROM patients p"
                        + " JOIN visits v ON v.patient_ssn = p.ssn",
                "SELECT DISTINCT * FROM patients p JOIN visits v ON v.patient_ssn = p.ssn")) {
            assertThat(refusal(sql, keys)).as(sql).containsPattern("DISTINCT on randomized column patients\\.(name|dob)");
        }
        assertThat(refusal("SELECT DISTINCT id, name FROM patients", Catalog.NONE))
                .contains("DISTINCT on randomized column patients.name");
    }

    @Test
    void aDeterministicColumnNeedsNoKeyAndNoCatalog() throws Exception {
        Keys keys = new Keys();
        assertThat(plan("SELECT DISTINCT ssn FROM patients", keys).dependsOnCatalog()).isFalse();
        assertThat(keys.asked.get()).isZero();
    }

    /** Reports group by the key and the name beside it: grouping by the cells too groups as the key alone does. */
    @Test
    void aRandomizedColumnGroupedWithItsTablesKeyPasses() throws Exception {
        Keys catalog = new Keys();
        StatementPlan plan = plan("SELECT p.id, p.name, count(v.id) FROM patients p JOIN visits v ON v.patient_id"
                + " = p.id GROUP BY p.id, p.name", catalog);
        assertThat(plan.hasEncryptedResults()).isTrue();
        assertThat(plan.dependsOnCatalog()).isTrue();
        assertThat(refusal("SELECT p.name, count(*) FROM patients p GROUP BY p.name", catalog))
                .contains("GROUP BY on randomized column patients.name");
        // the key of another FROM item does not key this one's cells
        assertThat(refusal("SELECT q.name, count(*) FROM patients p JOIN patients q ON q.city = p.city"
                + " GROUP BY p.id, q.name", catalog)).contains("GROUP BY on randomized column patients.name");
        assertThat(refusal("SELECT p.id, p.name FROM patients p GROUP BY p.id, p.name HAVING p.name = 'x'",
                catalog)).contains("patients.name").doesNotContain("'x'");
    }
}
