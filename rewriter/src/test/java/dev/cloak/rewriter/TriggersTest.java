package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL triggers on configured tables are checked against the PL/pgSQL body of the function they run, as the
 * catalog holds it, and a new body of a function that such a trigger runs is checked the same way. Policy:
 * {@link Fixtures#SCHEMA} (patients.ssn deterministic, patients.name and patients.dob randomized).
 */
class TriggersTest {

    private static final String UPDATED_AT = "BEGIN NEW.updated_at = now(); RETURN NEW; END;";

    /** A catalog with functions by name and the tables whose triggers run each. */
    private static class Functions implements Catalog {
        final Map<String, FunctionSource> sources = new HashMap<>();
        final Map<String, List<Relation>> triggers = new HashMap<>();

        Functions with(String name, String language, String body) {
            sources.put(name, new FunctionSource(language, body));
            return this;
        }

        @Override
        public FunctionSource triggerFunction(String name) {
            return sources.getOrDefault(name, new FunctionSource(null, null));
        }

        @Override
        public List<Relation> triggerTables(String name) {
            return triggers.getOrDefault(name, List.of());
        }

        @Override
        public List<String> columns(String schema, String table) {
            return null;
        }

        @Override
        public List<ViewDefinition> views() {
            return List.of();
        }
    }

    private static StatementPlan plan(String sql, Catalog catalog) throws UnsupportedStatementException {
        return new SqlRewriter(Fixtures.SCHEMA, 100, Dialect.POSTGRESQL).plan(sql, catalog);
    }

    private static String refusal(String sql, Catalog catalog) {
        UnsupportedStatementException e = catchThrowableOfType(UnsupportedStatementException.class,
                () -> plan(sql, catalog));
        assertThat((Throwable) e).as(sql).isNotNull();
        return e.getMessage();
    }

    @Test
    void aTriggerWhoseFunctionNamesOnlyPlainColumnsPasses() throws Exception {
        Functions catalog = new Functions().with("set_updated_at", "plpgsql", UPDATED_AT);
        for (String sql : List.of(
                "CREATE TRIGGER patients_updated BEFORE UPDATE ON patients FOR EACH ROW EXECUTE FUNCTION"
                        + " set_updated_at()",
                "CREATE OR REPLACE TRIGGER patients_updated BEFORE INSERT OR UPDATE ON public.patients FOR EACH ROW"
                        + " WHEN (OLD.city IS DISTINCT FROM NEW.city) EXECUTE PROCEDURE set_updated_at()")) {
            StatementPlan plan = plan(sql, catalog);
            assertThat(plan.kind()).as(sql).isEqualTo(StatementPlan.Kind.DDL);
            assertThat(plan.sql()).isEqualTo(sql);
        }
    }

    /** H2's file and link functions are H2's: a PL/pgSQL body's plain column named like one is no reason to refuse. */
    @Test
    void aPlPgSqlBodyIsNotReadForH2Functions() throws Exception {
        Functions catalog = new Functions().with("f", "plpgsql",
                "BEGIN NEW.linked := true; NEW.csvread := now(); RETURN NEW; END;");
        String sql = "CREATE TRIGGER t BEFORE UPDATE ON patients FOR EACH ROW EXECUTE FUNCTION f()";
        assertThat(plan(sql, catalog).kind()).isEqualTo(StatementPlan.Kind.DDL);
    }

    @Test
    void aTriggerWhoseFunctionCouldTouchAnEncryptedValueIsRefused() {
        String trigger = "CREATE TRIGGER t BEFORE UPDATE ON patients FOR EACH ROW EXECUTE FUNCTION f()";
        Map<String, String> bodies = Map.of(
                "BEGIN NEW.ssn := '123-45-6789'; RETURN NEW; END;", "names encrypted column patients.ssn",
                "BEGIN INSERT INTO audit_log VALUES (row_to_json(NEW)); RETURN NEW; END;", "whole row NEW",
                "BEGIN NEW := json_populate_record(NEW, '{}'); RETURN NEW; END;", "whole row NEW",
                "BEGIN EXECUTE 'UPDATE x SET y = 1'; RETURN NEW; END;", "EXECUTE",
                "BEGIN PERFORM 1 FROM visits; RETURN NEW; END;", "configured table or view visits",
                "BEGIN NEW.\"Name\" := 'x'; RETURN NEW; END;", "encrypted column patients.name",
                "BEGIN INSERT INTO audit_log VALUES (row_to_json(\"new\")); RETURN NEW; END;", "whole row NEW",
                "BEGIN PERFORM query_to_xml('select * from audit_log', true, false, ''); RETURN NEW; END;",
                "query_to_xml",
                "BEGIN CALL archive_row(NEW.id); RETURN NEW; END;", "calls a procedure");
        bodies.forEach((body, expected) -> assertThat(refusal(trigger, new Functions().with("f", "plpgsql", body)))
                .as(body).contains(expected).doesNotContain("123-45-6789"));
        assertThat(refusal(trigger, new Functions().with("f", "sql", "SELECT 1"))).contains("language sql");
        assertThat(refusal(trigger, new Functions())).contains("does not have");
        assertThat(refusal(trigger, Catalog.NONE)).contains("catalog");
    }

    @Test
    void aTriggerThatNamesAnEncryptedColumnOrTheWholeRowIsRefused() {
        Functions catalog = new Functions().with("f", "plpgsql", UPDATED_AT);
        assertThat(refusal("CREATE TRIGGER t BEFORE UPDATE OF ssn ON patients FOR EACH ROW EXECUTE FUNCTION f()",
                catalog)).contains("encrypted column patients.ssn");
        assertThat(refusal("CREATE TRIGGER t BEFORE UPDATE ON patients FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM"
                + " NEW.*) EXECUTE FUNCTION f()", catalog)).contains("whole row");
        assertThat(refusal("CREATE TRIGGER t AFTER INSERT ON patients FOR EACH ROW EXECUTE FUNCTION f('name')",
                catalog)).contains("encrypted column patients.name");
        assertThat(refusal("CREATE TRIGGER t AFTER INSERT ON patients REFERENCING NEW TABLE AS added FOR EACH"
                + " STATEMENT EXECUTE FUNCTION f()", catalog)).contains("patients");
    }

    @Test
    void aNewBodyForAFunctionThatAConfiguredTablesTriggerRunsIsChecked() throws Exception {
        Functions catalog = new Functions();
        catalog.triggers.put("f", List.of(new Catalog.Relation("public", "patients")));
        String bad = "CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.ssn := '1'; RETURN NEW; END;"
                + " $$ LANGUAGE plpgsql";
        assertThat(refusal(bad, catalog)).contains("function f(), which a trigger on configured table patients runs")
                .contains("encrypted column patients.ssn");
        String good = "CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS '" + UPDATED_AT + "'";
        assertThat(plan(good, catalog).passThrough()).isTrue();
        // not run by a configured table's trigger: checked when a trigger attaches it
        assertThat(plan(bad.replace("FUNCTION f()", "FUNCTION g()"), catalog).passThrough()).isTrue();
        assertThat(refusal(bad, new Functions() {
            @Override
            public List<Relation> triggerTables(String name) {
                return null;
            }
        })).contains("could not be read");
    }

    @Test
    void aTriggerIsCheckedAgainstTheFunctionAsItIsNowNotAsItWas() throws Exception {
        Functions catalog = new Functions().with("f", "plpgsql", UPDATED_AT);
        SqlRewriter rewriter = new SqlRewriter(Fixtures.SCHEMA, 100, Dialect.POSTGRESQL);
        String trigger = "CREATE TRIGGER t BEFORE UPDATE ON patients FOR EACH ROW EXECUTE FUNCTION f()";
        assertThat(rewriter.plan(trigger, catalog).kind()).isEqualTo(StatementPlan.Kind.DDL);
        catalog.with("f", "plpgsql", "BEGIN NEW.ssn := '1'; RETURN NEW; END;");
        assertThat(catchThrowableOfType(UnsupportedStatementException.class, () -> rewriter.plan(trigger, catalog)))
                .hasMessageContaining("encrypted column patients.ssn");
    }
}
