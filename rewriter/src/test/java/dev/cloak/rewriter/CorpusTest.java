package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.rewriter.lexer.StringLiterals;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of the data-driven corpus in {@code src/test/resources/corpus/} (format in its README.md):
 * one dynamic test per case and dialect, named by file and line.
 */
class CorpusTest {

    /** A stand-in for the driver's cell sizes: the corpus checks which binary type DDL gets, not its size. */
    private static final CellSizes SIZES = (column, type, length, precision) -> 100;

    /** The one policy every corpus file is written against (README.md says it in words). */
    static final EncryptedSchema SCHEMA = EncryptedSchema.of(List.of(
            new EncryptedColumn(null, "patients", "ssn", false, true, "patients.ssn", "varchar", 11, 0, SIZES),
            new EncryptedColumn(null, "patients", "name", false, false, "patients.name", "varchar", 100, 0, SIZES),
            new EncryptedColumn(null, "patients", "dob", false, false, "patients.dob", "date", 0, 0, SIZES),
            new EncryptedColumn(null, "visits", "patient_ssn", false, true, "patients.ssn", "varchar", 11, 0, SIZES)));

    private static final List<String> FILES = List.of(
            "insert.cases", "update-delete.cases", "select.cases", "select-star.cases", "where.cases",
            "joins.cases", "subqueries.cases", "cte.cases", "set-operations.cases", "literals.cases", "ddl.cases",
            "multi-statement.cases", "on-conflict.cases", "pass-through.cases", "hibernate.cases",
            "spring-data.cases", "rejections-order.cases", "rejections-functions.cases",
            "rejections-comparisons.cases", "rejections-domains.cases", "edge-cases.cases", "resolution.cases",
            "lexical.cases", "utility.cases", "insert-select.cases", "null-tests.cases", "whole-row.cases",
            "views.cases", "syntax-errors.cases", "do-blocks.cases");

    /** The catalog every corpus file is written against (README.md says it in words). */
    static final Catalog CATALOG = new Catalog() {
        @Override
        public List<String> columns(String schema, String table) {
            return switch (Identifiers.key(table)) {
                case "patients" -> List.of("id", "ssn", "name", "dob", "city");
                case "visits" -> List.of("id", "patient_ssn", "visited_on", "patient_id");
                default -> null;
            };
        }

        @Override
        public List<ViewDefinition> views() {
            return VIEWS;
        }
    };

    /** The corpus catalog's views; CorpusSchema in conformance-tests creates the same ones. */
    static final List<ViewDefinition> VIEWS = List.of(
            new ViewDefinition(null, "patient_contacts", List.of("id", "ssn", "full_name", "city"),
                    "SELECT id, ssn, name AS full_name, city FROM patients"),
            new ViewDefinition(null, "contact_ssns", List.of("contact_ssn"),
                    "SELECT ssn AS contact_ssn FROM patient_contacts"),
            new ViewDefinition(null, "patient_names_upper", List.of("id", "n"),
                    "SELECT id, octet_length(name) AS n FROM patients"),
            new ViewDefinition(null, "city_counts", List.of("city", "n"),
                    "SELECT city, count(*) AS n FROM patients GROUP BY city"));

    private static final Pattern STRING_LITERAL = Pattern.compile("'([^']{3,})'");

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        int cases = 0;
        for (String file : FILES) {
            for (Case each : read(file)) {
                cases++;
                for (Dialect dialect : each.dialects) {
                    String name = file + ":" + each.line + " [" + dialect.name().toLowerCase(Locale.ROOT) + "]";
                    tests.add(DynamicTest.dynamicTest(name, () -> runNamed(name, each, dialect)));
                }
            }
        }
        assertThat(tests).as("corpus size over the three dialects").hasSizeGreaterThanOrEqualTo(200);
        assertThat(cases).isPositive();
        return tests.stream();
    }

    /** Surefire's reports show dynamic tests by index: put the case's file and line into any failure. */
    private static void runNamed(String name, Case c, Dialect dialect) throws Exception {
        try {
            run(c, dialect);
        } catch (AssertionError | UnsupportedStatementException e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
        }
    }

    private static void run(Case c, Dialect dialect) throws Exception {
        Assumptions.assumeTrue(c.knownBug == null, () -> "KNOWN-BUG: " + c.knownBug);
        SqlRewriter rewriter = new SqlRewriter(SCHEMA, 0, dialect);
        if (c.expect.containsKey("reject")) {
            UnsupportedStatementException e =
                    catchThrowableOfType(UnsupportedStatementException.class, () -> rewriter.plan(c.sql, CATALOG));
            assertThat((Throwable) e).as("rejection").isNotNull();
            for (String word : c.expect.get("reject").split("\\|")) {
                assertThat(e.getMessage()).contains(word.strip());
            }
            assertNoLiteralIn(e.getMessage(), c.sql);
            return;
        }
        StatementPlan plan = rewriter.plan(c.sql, CATALOG);
        assertThat(plan.kind().name()).as("kind").isEqualTo(c.expect.getOrDefault("kind", "?").strip());
        assertNoLiteralIn(plan.toString(), c.sql);
        List<String> params = new ArrayList<>();
        for (int i = 1; i <= plan.parameterCount(); i++) {
            params.add(plan.parameter(i) != null ? plan.parameter(i).name()
                    : plan.standIn(i) != null ? "null-test" : "-");
        }
        String expectedParams = c.expect.get("params");
        if (expectedParams == null) {
            assertThat(plan.hasEncryptedParameters()).as("encrypted parameters " + params).isFalse();
        } else {
            assertThat(params).as("parameters").containsExactlyElementsOf(words(expectedParams));
        }
        List<String> results = new ArrayList<>();
        for (int i = 0; i < plan.projections().size(); i++) {
            results.add(describe(plan.projections().get(i), plan.starTable(i)));
        }
        String expectedResults = c.expect.get("results");
        if (expectedResults == null) {
            assertThat(plan.hasEncryptedResults()).as("encrypted results " + results).isFalse();
        } else {
            assertThat(results).as("results").containsExactlyElementsOf(words(expectedResults));
        }
        List<String> literals = plan.literals().stream().map(slot -> slot.column().name()).toList();
        assertThat(literals).as("literal slots").containsExactlyElementsOf(words(c.expect.getOrDefault("literals", "")));
        for (LiteralSlot slot : plan.literals()) {
            // the slot must cover exactly the literal's text, so rendering replaces the whole value
            String text = plan.sql().substring(slot.start(), slot.end());
            if (slot.value() instanceof String value) {
                // a typed literal (DATE '...') holds its value in the string after the keyword
                boolean typed = text.matches("(?is)(date|time|timestamp|timestamptz)\\s+'.*");
                String string = typed ? text.substring(text.indexOf('\'')) : text;
                assertThat(StringLiterals.value(string, dialect)).as("value of " + text).isEqualTo(value);
            } else {
                assertThat(text).contains(String.valueOf(slot.value()));
            }
        }
        if (c.expect.containsKey("sql-has")) {
            for (String part : c.expect.get("sql-has").split("\\|")) {
                assertThat(plan.sql()).containsIgnoringCase(part.strip());
            }
        }
        assertRotationExpansion(rewriter, plan);
    }

    /**
     * With two enabled key versions per domain, every lookup of the plan must be rewritten so that the text
     * still parses to a plan binding each copy of a parameter to the same column, with the counted parameters.
     */
    private static void assertRotationExpansion(SqlRewriter rewriter, StatementPlan plan) throws Exception {
        StatementPlan.LiteralText sameLiteral = (slot, version) -> plan.sql().substring(slot.start(), slot.end());
        assertThat(plan.expand(column -> 1, sameLiteral).sql()).as("one version: text unchanged").isEqualTo(plan.sql());
        if (plan.lookups().isEmpty()) {
            return;
        }
        assertThat(plan.lookups()).as("lookups located in the text").allMatch(LookupSlot::expandable);
        StatementPlan.Expansion expansion = plan.expand(column -> 2, sameLiteral);
        assertThat(SqlText.countParameters(expansion.sql())).as("parameters of " + expansion.sql())
                .isEqualTo(expansion.parameterCount());
        StatementPlan expanded = rewriter.plan(expansion.sql());
        assertThat(expanded.lookups()).as("lookups of " + expansion.sql()).hasSize(2 * plan.lookups().size());
        for (int i = 1; i <= plan.parameterCount(); i++) {
            for (int copy = 0; copy < expansion.width(i); copy++) {
                assertThat(expanded.parameter(expansion.first(i) + copy)).as("copy " + copy + " of parameter " + i)
                        .isEqualTo(plan.parameter(i));
            }
        }
        assertThat(expanded.literals()).as("literal slots").hasSize(plan.literals().size()
                + (int) plan.lookups().stream().filter(lookup -> lookup.literal() != null).count());
    }

    /** {@code -} for a plain column, the column's name, or {@code *table} for a star over a configured table. */
    private static String describe(Projection projection, StarTable star) {
        if (projection instanceof Projection.Column column) {
            return column.column() == null ? "-" : column.column().name();
        }
        Map<String, EncryptedColumn> encrypted = ((Projection.AllColumns) projection).encryptedByLowerCaseName();
        String table = star != null ? star.table()
                : encrypted.values().stream().map(EncryptedColumn::table).findFirst().orElse("?");
        // the star must carry every encrypted column of its table, and nothing else
        List<String> expected = columnsOf(table);
        assertThat(encrypted.keySet()).as("encrypted columns of *" + table).containsExactlyInAnyOrderElementsOf(expected);
        return "*" + table.toLowerCase(Locale.ROOT);
    }

    private static List<String> columnsOf(String table) {
        return switch (table.toLowerCase(Locale.ROOT)) {
            case "patients" -> List.of("ssn", "name", "dob");
            case "visits" -> List.of("patient_ssn");
            case "patient_contacts" -> List.of("ssn", "full_name");
            default -> List.of();
        };
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.strip().split("\\s+"));
    }

    /** Neither the SQL text nor any string literal of it may appear in a message or a plan's text. */
    static void assertNoLiteralIn(String message, String sql) {
        assertThat(message).doesNotContain(sql);
        Matcher m = STRING_LITERAL.matcher(sql);
        while (m.find()) {
            assertThat(message).as("message free of literals").doesNotContain(m.group(1));
        }
    }

    private static List<Case> read(String file) throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = CorpusTest.class.getResourceAsStream("/corpus/" + file)) {
            assertThat(in).as("corpus file " + file).isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            Case current = null;
            String knownBug = null;
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                String trimmed = line.strip();
                if (trimmed.startsWith("# KNOWN-BUG:")) {
                    knownBug = trimmed.substring("# KNOWN-BUG:".length()).strip();
                    continue;
                }
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int colon = trimmed.indexOf(':');
                if (colon < 0) {
                    throw new IllegalStateException(file + ":" + (i + 1) + ": expected 'key: value'");
                }
                String key = trimmed.substring(0, colon).strip();
                String value = trimmed.substring(colon + 1).strip();
                if (!Character.isWhitespace(line.charAt(0))) {
                    current = new Case(i + 1, dialects(file, i + 1, key), unescape(value), knownBug);
                    knownBug = null;
                    cases.add(current);
                } else if (current == null) {
                    throw new IllegalStateException(file + ":" + (i + 1) + ": expectation before any case");
                } else {
                    current.expect.put(key, value);
                }
            }
        }
        return cases;
    }

    /** A case's SQL is one line: {@code ⏎} stands for a line break and {@code ␀} for a NUL character in it. */
    static String unescape(String sql) {
        return sql.replace('\u23ce', '\n').replace('\u2400', '\0');
    }

    private static List<Dialect> dialects(String file, int line, String key) {
        return switch (key) {
            case "postgresql" -> List.of(Dialect.POSTGRESQL);
            case "mariadb" -> List.of(Dialect.MARIADB);
            case "h2" -> List.of(Dialect.H2);
            case "any" -> List.of(Dialect.POSTGRESQL, Dialect.MARIADB, Dialect.H2);
            default -> throw new IllegalStateException(file + ":" + line + ": unknown dialect " + key);
        };
    }

    /** One case: where it is, its dialects, its SQL and its expectations by key. */
    private static final class Case {
        final int line;
        final List<Dialect> dialects;
        final String sql;
        final String knownBug;
        final Map<String, String> expect = new LinkedHashMap<>();

        Case(int line, List<Dialect> dialects, String sql, String knownBug) {
            this.line = line;
            this.dialects = dialects;
            this.sql = sql;
            this.knownBug = knownBug;
        }
    }
}
