package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Issue 3's differential test: the corpus schema twice in each database, a plaintext copy through the raw driver
 * and an encrypted copy through Cloak; every supported statement of the rewriter corpus (not a rejection, written
 * for {@code any} or this database) runs on both with the same parameters, and the application must see the same
 * thing: result sets, update counts, and after a write (rolled back on both sides) the same rows, while the
 * encrypted copy holds only Cloak cells. A statement that describes the database (EXPLAIN, DESCRIBE) is compared by
 * the shape of its results only. DDL runs last, in corpus order, on copies of its own, which are built again after
 * a statement that drops or empties a table.
 */
class CorpusDifferentialTest {

    /** Share of the eligible cases that must actually run and compare, per database. */
    private static final double MINIMUM_RAN = 0.70;
    /**
     * The same for DDL, whose cases partly undo each other (an index made twice, a table dropped): the database
     * refuses more of them on both sides.
     */
    private static final double MINIMUM_DDL_RAN = 0.40;

    /**
     * Cases where Cloak and the raw driver are known to differ, by {@code file:line [database]}, with the reason.
     * Each is still run: it is reported as skipped while it differs and fails once it no longer does.
     */
    private static final Map<String, String> KNOWN_DIFFERENCES = Map.of();

    /**
     * Rows are compared in order when the statement orders them (ORDER BY on an encrypted column is refused, so
     * every eligible one orders by plain columns), else as a multiset. A LIMIT without ORDER BY relies on both
     * copies being read in insertion order, which holds for these small tables whose rows writes never keep.
     */
    private static final Pattern ORDER_BY = Pattern.compile("\\border\\s+by\\b");

    @TempDir
    static Path dir;

    private static final Map<String, CorpusSchema> SCHEMAS = new HashMap<>();
    private static final Map<String, Throwable> SETUP_FAILURES = new HashMap<>();

    @AfterAll
    static void dropCopies() throws Exception {
        for (CorpusSchema schema : SCHEMAS.values()) {
            schema.close();
        }
        SCHEMAS.clear();
    }

    @TestFactory
    Stream<DynamicContainer> everySupportedCorpusStatementSeesTheSameDataThroughCloakAsThroughTheRawDriver()
            throws Exception {
        List<CorpusCase> corpus = CorpusCase.readAll();
        assertThat(corpus).as("corpus cases").hasSizeGreaterThanOrEqualTo(200);
        List<DynamicContainer> databases = new ArrayList<>();
        for (boolean rotated : new boolean[] {false, true}) {
            for (TestDatabase db : TestDatabase.values()) {
                Tally tally = new Tally(db, rotated);
                List<DynamicTest> tests = new ArrayList<>();
                for (CorpusCase c : corpus) {
                    if (c.appliesTo(db) && !c.isRejection() && !c.isDdl()) {
                        tally.eligible++;
                        tests.add(DynamicTest.dynamicTest(c.name(db) + " " + c.sql(), () -> run(db, rotated, c, tally)));
                    }
                }
                tests.add(DynamicTest.dynamicTest("at least " + Math.round(MINIMUM_RAN * 100) + "% of the eligible cases ran",
                        () -> tally.check(MINIMUM_RAN)));
                databases.add(DynamicContainer.dynamicContainer(tally.label(), tests));
            }
        }
        for (TestDatabase db : TestDatabase.values()) {
            Tally tally = new Tally(db, false, "DDL in corpus order");
            List<DynamicTest> tests = new ArrayList<>();
            for (CorpusCase c : corpus) {
                if (c.appliesTo(db) && !c.isRejection() && c.isDdl()) {
                    tally.eligible++;
                    tests.add(DynamicTest.dynamicTest(c.name(db) + " " + c.sql(), () -> runDdl(db, c, tally)));
                }
            }
            tests.add(DynamicTest.dynamicTest("at least " + Math.round(MINIMUM_DDL_RAN * 100)
                    + "% of the eligible DDL cases ran", () -> tally.check(MINIMUM_DDL_RAN)));
            databases.add(DynamicContainer.dynamicContainer(tally.label(), tests));
        }
        return databases.stream();
    }

    /**
     * One DDL case on the DDL copies, through the raw driver and through Cloak: the same outcome, and only Cloak
     * cells in the encrypted copy after it. A DROP or TRUNCATE that ran is undone by building the copies again.
     */
    private static void runDdl(TestDatabase db, CorpusCase c, Tally tally) throws Exception {
        CorpusSchema schema = ddlSchema(db);
        Side raw = Side.of(schema.plain(), c, List.of(), db, false);
        Side cloak = Side.of(schema.encrypted(), c, List.of(), db, true);
        boolean destructive = c.sql().stripLeading().toLowerCase(Locale.ROOT).matches("(drop|truncate)\\b.*");
        if (raw.error == null && destructive) {
            rebuildDdlSchema(db);
        }
        if (raw.error != null) {
            String reason = cloak.error != null ? "the database refuses it on both copies (SQLState "
                    + raw.error.getSQLState() + ")" : "only the raw driver fails (SQLState " + raw.error.getSQLState() + ")";
            throw tally.skip(c.name(db), reason);
        }
        if (cloak.error != null) {
            throw new AssertionError(c.name(db) + ": Cloak fails where the raw driver runs it: SQLState "
                    + cloak.error.getSQLState() + ": " + cloak.error.getMessage(), cloak.error);
        }
        tally.ran++;
        assertThat(cloak.lines).as(c.name(db) + ": through Cloak vs the raw driver").containsExactlyElementsOf(raw.lines);
    }

    private static synchronized CorpusSchema ddlSchema(TestDatabase db) throws Exception {
        db.rawUrl();
        String key = db.slug() + "-ddl";
        CorpusSchema schema = SCHEMAS.get(key);
        if (schema == null) {
            schema = CorpusSchema.create(db, Files.createDirectories(dir.resolve(key)), false, "ddl");
            SCHEMAS.put(key, schema);
        }
        return schema;
    }

    private static synchronized void rebuildDdlSchema(TestDatabase db) throws Exception {
        CorpusSchema old = SCHEMAS.remove(db.slug() + "-ddl");
        if (old != null) {
            old.close();
        }
    }

    private static void run(TestDatabase db, boolean rotated, CorpusCase c, Tally tally) throws Exception {
        CorpusSchema schema = schema(db, rotated);
        List<Object> params;
        try {
            params = CorpusParameters.values(c);
        } catch (CorpusParameters.Unbindable e) {
            throw tally.skip(c.name(db), "cannot bind: " + e.getMessage());
        }
        Side raw = Side.of(schema.plain(), c, params, db, false);
        Side cloak = Side.of(schema.encrypted(), c, params, db, true);
        if (raw.error != null) {
            String reason = cloak.error != null ? "the database refuses it in its dialect (SQLState " + raw.error.getSQLState() + ")"
                    : "only the raw driver fails (SQLState " + raw.error.getSQLState() + "): nothing to compare";
            throw tally.skip(c.name(db), reason);
        }
        String difference = cloak.error != null
                ? "Cloak fails where the raw driver runs it: SQLState " + cloak.error.getSQLState() + ": " + cloak.error.getMessage()
                : cloak.lines.equals(raw.lines) ? null : "results differ";
        String known = KNOWN_DIFFERENCES.getOrDefault(c.name(db), c.knownBug());
        if (difference != null && known != null) {
            throw tally.known(c.name(db), known);
        }
        if (difference == null && KNOWN_DIFFERENCES.containsKey(c.name(db))) {
            fail(c.name(db) + " is listed in KNOWN_DIFFERENCES but now gives the same results: remove it from the list");
        }
        tally.ran++;
        if (raw.lines.stream().anyMatch(line -> line.startsWith("row ") || line.matches("update count [1-9].*"))) {
            tally.withRows++;
        }
        if (cloak.error != null) {
            throw new AssertionError(c.name(db) + ": " + difference, cloak.error);
        }
        assertThat(cloak.lines).as(c.name(db) + ": through Cloak vs the raw driver").containsExactlyElementsOf(raw.lines);
    }

    /**
     * The database's two copies (with every key rotated after filling, when {@code rotated}), built by the first
     * case that needs them; a failed build fails every case.
     */
    private static synchronized CorpusSchema schema(TestDatabase db, boolean rotated) throws Exception {
        db.rawUrl();
        String key = db.slug() + (rotated ? "-rotated" : "");
        if (SETUP_FAILURES.containsKey(key)) {
            throw new IllegalStateException("building the corpus schema failed, see the first case", SETUP_FAILURES.get(key));
        }
        CorpusSchema schema = SCHEMAS.get(key);
        if (schema == null) {
            try {
                schema = CorpusSchema.create(db, Files.createDirectories(dir.resolve(key)), rotated);
            } catch (Exception | AssertionError e) {
                SETUP_FAILURES.put(key, e);
                throw e;
            }
            SCHEMAS.put(key, schema);
        }
        return schema;
    }

    /** One side's outcome: the observed lines, or the SQLException it failed with. */
    private record Side(List<String> lines, SQLException error) {

        /**
         * Runs the case on {@code c}; a write runs in a transaction that is rolled back, after reading every table
         * and, through Cloak, checking that the encrypted copy holds only cells.
         */
        static Side of(Connection c, CorpusCase kase, List<Object> params, TestDatabase db, boolean throughCloak)
                throws SQLException {
            boolean ordered = ORDER_BY.matcher(kase.sql().toLowerCase(Locale.ROOT)).find();
            boolean shape = kase.describesTheDatabase();
            if (!kase.isWrite()) {
                // SET search_path would hide the copy's tables from every case after it on this connection
                String schema = kase.setsTheSession() ? c.getSchema() : null;
                try {
                    List<String> lines = Observed.run(c, kase.sql(), params, ordered, shape);
                    if (throughCloak && kase.isDdl()) {
                        CorpusSchema.assertOnlyCells(c, db);
                    }
                    return new Side(lines, null);
                } catch (SQLException e) {
                    return new Side(null, e);
                } finally {
                    if (schema != null) {
                        c.setSchema(schema);
                    }
                }
            }
            c.setAutoCommit(false);
            try {
                List<String> lines = Observed.run(c, kase.sql(), params, ordered, shape);
                Observed.tables(c, lines);
                if (throughCloak) {
                    CorpusSchema.assertOnlyCells(c, db);
                }
                return new Side(lines, null);
            } catch (SQLException e) {
                return new Side(null, e);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                if (db == TestDatabase.MARIADB && kase.sql().toLowerCase(Locale.ROOT).startsWith("lock")) {
                    // MariaDB keeps LOCK TABLES for the session past the transaction: every later case would fail
                    try (Statement st = c.createStatement()) {
                        st.execute("UNLOCK TABLES");
                    }
                }
            }
        }
    }

    /** Per database: how many cases were eligible, ran, were skipped (by reason) or differ as known. */
    private static final class Tally {
        private final TestDatabase db;
        private final boolean rotated;
        private final String what;
        private final Map<String, Integer> skipped = new TreeMap<>();
        private final List<String> knownDifferences = new ArrayList<>();
        private int eligible;
        private int ran;
        private int withRows;

        Tally(TestDatabase db, boolean rotated) {
            this(db, rotated, null);
        }

        Tally(TestDatabase db, boolean rotated, String what) {
            this.db = db;
            this.rotated = rotated;
            this.what = what;
        }

        String label() {
            return db.displayName() + (rotated ? " (every key rotated: lookups for two versions)" : "")
                    + (what == null ? "" : " (" + what + ")");
        }

        /** Counts and logs a skip; the returned exception marks the dynamic test as skipped. */
        RuntimeException skip(String name, String reason) {
            skipped.merge(reason, 1, Integer::sum);
            System.out.println("[differential] " + name + " SKIPPED: " + reason);
            return abort("skipped: " + reason);
        }

        RuntimeException known(String name, String reason) {
            knownDifferences.add(name + ": " + reason);
            System.out.println("[differential] " + name + " KNOWN DIFFERENCE: " + reason);
            return abort("KNOWN DIFFERENCE: " + reason);
        }

        void check(double minimum) {
            db.rawUrl();
            int skips = skipped.values().stream().mapToInt(Integer::intValue).sum();
            StringBuilder report = new StringBuilder("[differential] ").append(label()).append(": ran ").append(ran)
                    .append(" / skipped ").append(skips).append(" / known differences ").append(knownDifferences.size())
                    .append(" / eligible ").append(eligible)
                    .append(" (").append(withRows).append(" of those that ran read or changed at least one row)");
            skipped.forEach((reason, n) -> report.append("\n    skipped ").append(n).append(": ").append(reason));
            knownDifferences.forEach(d -> report.append("\n    known difference ").append(d));
            System.out.println(report);
            assertThat(ran).as(report.toString()).isGreaterThanOrEqualTo((int) Math.ceil(eligible * minimum));
        }

        private static RuntimeException abort(String message) {
            return new TestAbortedException(message);
        }
    }
}
