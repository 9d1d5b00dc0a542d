package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a plan tells the driver's access policy: each encrypted column a statement uses other than by reading it into
 * its result, and how. Policy as in the corpus: patients(ssn deterministic, name randomized, dob randomized),
 * visits(patient_ssn deterministic, key domain patients.ssn).
 */
class ColumnUsesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT id FROM patients WHERE ssn = ?                                          | LOOKUP patients.ssn
            SELECT id FROM patients WHERE ssn <> '123-45-6789'                             | LOOKUP patients.ssn
            SELECT id FROM patients WHERE ssn IN (?, '123-45-6789')                        | LOOKUP patients.ssn
            DELETE FROM patients WHERE ssn = ?                                             | LOOKUP patients.ssn
            SELECT id FROM patients WHERE (SELECT v.patient_ssn FROM visits v WHERE v.id = 1) = ? | LOOKUP visits.patient_ssn
            INSERT INTO patients (id, ssn, name) VALUES (?, ?, 'Ann')                      | WRITE patients.ssn, WRITE patients.name
            UPDATE patients SET name = ? WHERE ssn = ?                                     | WRITE patients.name, LOOKUP patients.ssn
            INSERT INTO patients (id, ssn) SELECT ?, ? FROM visits                         | WRITE patients.ssn
            INSERT INTO patients (id, ssn) VALUES (?, ?) ON CONFLICT (ssn) DO UPDATE SET ssn = EXCLUDED.ssn | COMPARE patients.ssn, COPY patients.ssn, WRITE patients.ssn
            SELECT p.id FROM patients p JOIN visits v ON v.patient_ssn = p.ssn             | COMPARE visits.patient_ssn, COMPARE patients.ssn
            SELECT id FROM patients WHERE ssn IN (SELECT patient_ssn FROM visits)          | COMPARE patients.ssn, COMPARE visits.patient_ssn
            SELECT ssn, COUNT(*) FROM patients GROUP BY ssn                                | COMPARE patients.ssn
            SELECT ssn FROM patients GROUP BY 1                                            | COMPARE patients.ssn
            SELECT DISTINCT ssn FROM patients                                              | COMPARE patients.ssn
            SELECT COUNT(DISTINCT ssn) FROM patients                                       | COMPARE patients.ssn
            SELECT ssn FROM patients UNION SELECT patient_ssn FROM visits                  | COMPARE patients.ssn, COMPARE visits.patient_ssn, COPY visits.patient_ssn
            SELECT ssn FROM patients UNION ALL SELECT patient_ssn FROM visits              | COPY visits.patient_ssn
            SELECT s FROM (SELECT patient_ssn AS s FROM visits UNION ALL SELECT ssn FROM patients) x | COPY patients.ssn
            SELECT ssn FROM patients UNION ALL SELECT ssn FROM patients WHERE id = ?       |
            EXPLAIN ANALYZE INSERT INTO visits (id, patient_ssn) SELECT id, ssn FROM patients | COPY patients.ssn, WRITE visits.patient_ssn
            INSERT INTO visits (id, patient_ssn) SELECT id, ssn FROM patients              | COPY patients.ssn, WRITE visits.patient_ssn
            UPDATE visits SET patient_ssn = p.ssn FROM patients p WHERE p.id = visits.id   | COPY patients.ssn, WRITE visits.patient_ssn
            SELECT id FROM patients WHERE name IS NOT NULL                                 | NULL_TEST patients.name
            SELECT ssn, name, dob FROM patients WHERE id = ?                               |
            SELECT * FROM patients                                                         |
            """)
    void eachStatementReportsTheUsesOfItsEncryptedColumns(String sql, String expected) throws Exception {
        StatementPlan plan = new SqlRewriter(CorpusTest.SCHEMA, 0, Dialect.POSTGRESQL).plan(sql);

        List<String> uses = plan.uses().stream().map(ColumnUse::toString).toList();

        assertThat(uses).containsExactlyInAnyOrderElementsOf(
                expected == null ? List.of() : Arrays.stream(expected.split(",")).map(String::strip).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            INSERT INTO visits SELECT id, ssn FROM patients                                | COPY patients.ssn, WRITE visits.patient_ssn
            INSERT INTO visits SELECT id, ssn FROM patients WHERE ssn IS NOT NULL          | COPY patients.ssn, WRITE visits.patient_ssn, NULL_TEST patients.ssn
            """)
    void anInsertWithoutAColumnListReportsTheUsesOfTheColumnsTheCatalogNames(String sql, String expected)
            throws Exception {
        StatementPlan plan = new SqlRewriter(CorpusTest.SCHEMA, 0, Dialect.POSTGRESQL).plan(sql, CorpusTest.CATALOG);

        assertThat(plan.uses().stream().map(ColumnUse::toString).toList())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(expected.split(",")).map(String::strip).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT id FROM patients WHERE ssn = ?; UPDATE patients SET name = ? WHERE id = ? | LOOKUP patients.ssn, WRITE patients.name
            UPDATE patients SET name = NULL WHERE dob IS NULL; DELETE FROM visits WHERE patient_ssn = ? | NULL_TEST patients.dob, LOOKUP visits.patient_ssn
            """)
    void severalStatementsInOneTextReportTheUsesOfEach(String sql, String expected) throws Exception {
        StatementPlan plan = new SqlRewriter(CorpusTest.SCHEMA, 0, Dialect.POSTGRESQL).plan(sql);

        assertThat(plan.uses().stream().map(ColumnUse::toString).toList())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(expected.split(",")).map(String::strip).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            CREATE VIEW vj AS SELECT v.patient_ssn, p.id FROM visits v, patients p WHERE p.ssn = v.patient_ssn | SELECT id, patient_ssn FROM vj | COMPARE patients.ssn, COMPARE visits.patient_ssn
            CREATE VIEW vj AS SELECT p.id FROM patients p JOIN visits v ON v.patient_ssn = p.ssn | SELECT id FROM vj | COMPARE patients.ssn, COMPARE visits.patient_ssn
            CREATE VIEW vj AS SELECT v.patient_ssn FROM visits v WHERE v.patient_ssn IN (SELECT ssn FROM patients) | SELECT count(*) FROM vj | COMPARE patients.ssn, COMPARE visits.patient_ssn
            CREATE VIEW vj AS SELECT ssn, count(*) AS n FROM patients GROUP BY ssn          | SELECT n FROM vj WHERE n > ?        | COMPARE patients.ssn
            CREATE VIEW vj AS SELECT DISTINCT ssn FROM patients                             | SELECT * FROM vj                    | COMPARE patients.ssn
            CREATE VIEW vj AS SELECT ssn FROM patients UNION ALL SELECT patient_ssn FROM visits | SELECT ssn FROM vj              | COPY visits.patient_ssn
            CREATE VIEW vj AS SELECT id FROM patients WHERE name IS NOT NULL                | SELECT a.city FROM addresses a JOIN vj ON vj.id = a.patient_id | NULL_TEST patients.name
            CREATE VIEW vj AS SELECT id, ssn FROM patients WHERE name IS NULL               | DELETE FROM vj WHERE id = ?         | NULL_TEST patients.name
            CREATE VIEW vj AS SELECT id, ssn FROM patients WHERE name IS NULL               | SELECT id FROM vj WHERE ssn = ?     | NULL_TEST patients.name, LOOKUP patients.ssn
            """)
    void aStatementOnAViewReportsTheUsesOfTheViewsQuery(String view, String sql, String expected) throws Exception {
        SqlRewriter rewriter = new SqlRewriter(CorpusTest.SCHEMA, 0, Dialect.POSTGRESQL);
        rewriter.schemaChanged(rewriter.plan(view));

        StatementPlan plan = rewriter.plan(sql);

        assertThat(plan.uses().stream().map(ColumnUse::toString).toList())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(expected.split(",")).map(String::strip).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            CREATE VIEW vj AS SELECT p.id FROM patients p JOIN visits v ON v.patient_ssn = p.ssn | CREATE VIEW vk AS SELECT id FROM vj | SELECT id FROM vk | COMPARE patients.ssn, COMPARE visits.patient_ssn
            """)
    void aViewOverAViewCarriesTheInnerViewsUses(String inner, String outer, String sql, String expected)
            throws Exception {
        SqlRewriter rewriter = new SqlRewriter(CorpusTest.SCHEMA, 0, Dialect.POSTGRESQL);
        rewriter.schemaChanged(rewriter.plan(inner));
        rewriter.schemaChanged(rewriter.plan(outer));

        StatementPlan plan = rewriter.plan(sql);

        assertThat(plan.uses().stream().map(ColumnUse::toString).toList())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(expected.split(",")).map(String::strip).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT name FROM patients WHERE id = 1                                         | patients
            SELECT count(*) FROM audit_log                                                 | audit_log
            """)
    void readingOrNamingNoEncryptedColumnIsNoUse(String sql, String table) throws Exception {
        StatementPlan plan = new SqlRewriter(CorpusTest.SCHEMA, 0, Dialect.POSTGRESQL).plan(sql);

        assertThat(plan.uses()).as(table).isEmpty();
    }
}
