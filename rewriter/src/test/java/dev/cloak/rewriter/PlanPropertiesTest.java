package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated statements over the corpus policy: no plan may leave a parameter or literal of an encrypted column
 * unencrypted, and the rewriter throws nothing but {@link UnsupportedStatementException}.
 */
class PlanPropertiesTest {

    private static final String[] PATIENTS = {"id", "city", "ssn", "name", "dob"};
    private static final String[] VISITS = {"id", "visited_on", "patient_ssn"};

    @Property(tries = 300)
    void encryptedParametersAndLiteralsAreAlwaysSlotsOrTheStatementIsRejected(
            @ForAll("statements") Generated statement) throws Exception {
        SqlRewriter rewriter = new SqlRewriter(CorpusTest.SCHEMA, 0, statement.dialect);
        StatementPlan plan;
        try {
            plan = rewriter.plan(statement.sql);
        } catch (UnsupportedStatementException rejected) {
            Statistics.collect("rejected");
            for (Literal literal : statement.literals) {
                assertThat(rejected.getMessage()).doesNotContain(literal.text);
            }
            return;
        }
        Statistics.collect(statement.literals.isEmpty() && statement.parameters.stream().allMatch(c -> c == null)
                ? "planned, nothing encrypted bound" : "planned with encrypted values");
        assertThat(plan.kind()).as(statement.sql).isNotEqualTo(StatementPlan.Kind.PASS_THROUGH);
        assertThat(plan.parameterCount()).as(statement.sql).isEqualTo(statement.parameters.size());
        for (int i = 0; i < statement.parameters.size(); i++) {
            String column = statement.parameters.get(i);
            if (column != null) {
                assertThat(plan.parameter(i + 1)).as("parameter %d of %s", i + 1, statement.sql).isNotNull();
                assertThat(plan.parameter(i + 1).name()).as(statement.sql).isEqualTo(column);
            }
        }
        for (Literal literal : statement.literals) {
            if (literal.column != null) {
                assertThat(plan.literals()).as("literal of %s at %d in %s", literal.column, literal.start,
                                statement.sql)
                        .anySatisfy(slot -> {
                            assertThat(slot.start()).isLessThanOrEqualTo(literal.start);
                            assertThat(slot.end()).isGreaterThanOrEqualTo(literal.start + literal.text.length());
                            assertThat(slot.column().name()).isEqualTo(literal.column);
                        });
            }
        }
        for (String part : List.of(plan.toString())) {
            for (Literal literal : statement.literals) {
                assertThat(part).doesNotContain(literal.text);
            }
        }
    }

    /** Guards the property against vacuity: enough generated statements must be planned, not only rejected. */
    @Property(tries = 300)
    void enoughGeneratedStatementsArePlannedWithEncryptedValues(@ForAll("statements") Generated statement) {
        boolean planned;
        try {
            new SqlRewriter(CorpusTest.SCHEMA, 0, statement.dialect).plan(statement.sql);
            planned = true;
        } catch (UnsupportedStatementException rejected) {
            planned = false;
        }
        boolean bindsEncrypted = statement.parameters.stream().anyMatch(c -> c != null)
                || statement.literals.stream().anyMatch(l -> l.column != null);
        Statistics.collect(planned && bindsEncrypted);
        Statistics.coverage(checker -> checker.check(true).percentage(p -> p >= 15));
    }

    @Provide
    Arbitrary<Generated> statements() {
        return Arbitraries.randomValue(random -> new Builder(random).statement());
    }

    /** A generated statement and, for each {@code ?} and literal, the encrypted column it belongs to or null. */
    record Generated(Dialect dialect, String sql, List<String> parameters, List<Literal> literals) {
        @Override
        public String toString() {
            return dialect + ": " + sql;
        }
    }

    /** A literal's text, where it starts, and its encrypted column or null. */
    record Literal(String text, int start, String column) {
    }

    /** Writes one random statement, remembering which column each value belongs to. */
    private static final class Builder {
        private final Random random;
        private final StringBuilder sql = new StringBuilder();
        private final List<String> parameters = new ArrayList<>();
        private final List<Literal> literals = new ArrayList<>();
        private int literalCounter;

        Builder(Random random) {
            this.random = random;
        }

        Generated statement() {
            Dialect dialect = Dialect.values()[random.nextInt(3)];
            switch (random.nextInt(5)) {
                case 0 -> insert();
                case 1 -> update();
                case 2 -> delete();
                case 3 -> select();
                default -> join();
            }
            return new Generated(dialect, sql.toString(), parameters, literals);
        }

        private void insert() {
            boolean patients = random.nextBoolean();
            String[] columns = patients ? PATIENTS : VISITS;
            List<String> chosen = distinct(columns, 1 + random.nextInt(columns.length));
            int rows = 1 + random.nextInt(2);
            sql.append("INSERT INTO ").append(table(patients)).append(" (").append(String.join(", ", chosen))
                    .append(") VALUES ");
            for (int r = 0; r < rows; r++) {
                sql.append(r == 0 ? "(" : ", (");
                for (int c = 0; c < chosen.size(); c++) {
                    sql.append(c == 0 ? "" : ", ");
                    value(patients, chosen.get(c));
                }
                sql.append(')');
            }
        }

        private void update() {
            boolean patients = random.nextBoolean();
            String[] columns = patients ? PATIENTS : VISITS;
            List<String> chosen = distinct(columns, 1 + random.nextInt(2));
            sql.append("UPDATE ").append(table(patients)).append(" SET ");
            for (int c = 0; c < chosen.size(); c++) {
                sql.append(c == 0 ? "" : ", ").append(chosen.get(c)).append(" = ");
                value(patients, chosen.get(c));
            }
            where(patients, "");
        }

        private void delete() {
            boolean patients = random.nextBoolean();
            sql.append("DELETE FROM ").append(table(patients));
            where(patients, "");
        }

        private void select() {
            boolean patients = random.nextBoolean();
            String[] columns = patients ? PATIENTS : VISITS;
            sql.append("SELECT ").append(random.nextInt(4) == 0 ? "*"
                    : String.join(", ", distinct(columns, 1 + random.nextInt(columns.length))));
            sql.append(" FROM ").append(table(patients));
            where(patients, "");
        }

        private void join() {
            sql.append("SELECT p.").append(PATIENTS[random.nextInt(PATIENTS.length)])
                    .append(", v.").append(VISITS[random.nextInt(VISITS.length)])
                    .append(" FROM patients p JOIN visits v ON v.patient_ssn = p.ssn");
            sql.append(" WHERE ");
            condition(random.nextBoolean(), random.nextBoolean() ? "p." : "v.", 2);
        }

        private void where(boolean patients, String qualifier) {
            if (random.nextInt(5) > 0) {
                sql.append(" WHERE ");
                condition(patients, qualifier, 2);
            }
        }

        private void condition(boolean patients, String qualifier, int depth) {
            // the join passes its alias; the alias decides the table
            if (qualifier.equals("p.")) {
                patients = true;
            } else if (qualifier.equals("v.")) {
                patients = false;
            }
            int choice = depth == 0 ? 0 : random.nextInt(4);
            switch (choice) {
                case 1, 2 -> {
                    sql.append('(');
                    condition(patients, qualifier, depth - 1);
                    sql.append(choice == 1 ? " AND " : " OR ");
                    condition(patients, qualifier, depth - 1);
                    sql.append(')');
                }
                case 3 -> {
                    sql.append("NOT (");
                    condition(patients, qualifier, depth - 1);
                    sql.append(')');
                }
                default -> comparison(patients, qualifier);
            }
        }

        private void comparison(boolean patients, String qualifier) {
            String[] columns = patients ? PATIENTS : VISITS;
            String column = columns[random.nextInt(columns.length)];
            sql.append(qualifier).append(column);
            switch (random.nextInt(6)) {
                case 0 -> {
                    sql.append(" IN (");
                    value(patients, column);
                    sql.append(", ");
                    value(patients, column);
                    sql.append(')');
                }
                case 1 -> sql.append(random.nextBoolean() ? " IS NULL" : " IS NOT NULL");
                case 2 -> {
                    sql.append(" <> ");
                    value(patients, column);
                }
                case 3 -> {
                    sql.append(" > ");
                    value(patients, column);
                }
                default -> {
                    sql.append(" = ");
                    value(patients, column);
                }
            }
        }

        /** A {@code ?} or a literal for {@code column}, recorded with the encrypted column it belongs to. */
        private void value(boolean patients, String column) {
            String encrypted = encrypted(patients, column);
            if (random.nextBoolean()) {
                sql.append('?');
                parameters.add(encrypted);
                return;
            }
            String text = random.nextBoolean() ? "'lit" + (100 + literalCounter++) + "x'"
                    : Integer.toString(100_000 + random.nextInt(800_000));
            literals.add(new Literal(text, sql.length(), encrypted));
            sql.append(text);
        }

        private static String encrypted(boolean patients, String column) {
            return switch (column) {
                case "ssn", "name", "dob" -> "patients." + column;
                case "patient_ssn" -> "visits.patient_ssn";
                default -> null;
            };
        }

        private static String table(boolean patients) {
            return patients ? "patients" : "visits";
        }

        private List<String> distinct(String[] columns, int count) {
            List<String> all = new ArrayList<>(List.of(columns));
            java.util.Collections.shuffle(all, random);
            return all.subList(0, count);
        }
    }
}
