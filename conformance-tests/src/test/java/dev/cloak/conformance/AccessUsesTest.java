package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.CloakConnection;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.config.PrincipalSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code deny} covers every use of a column, not only reading it: lookups by value, joins, copies and writes are
 * refused with 28000 before anything is sent, since an equality lookup on a deterministic column is an oracle.
 * {@code null} and {@code mask} principals may not look up, compare or copy either, nor write a deterministic column
 * (a unique constraint answers guesses too); they may test for NULL and write randomized columns.
 */
class AccessUsesTest {

    private static final String SSN = "123-45-6789";
    private static final String OTHER_SSN = "987-65-4321";

    @TempDir
    Path dir;

    /** Two tables: patients (ssn deterministic, unique; note randomized) and visits sharing ssn's key. */
    private record Tables(String patients, String visits, CloakConfig config) {
    }

    private static Tables setUp(Fixture fx, DecryptAccess access) throws Exception {
        LeakCapture.plaintext(SSN, OTHER_SSN, "first visit", "second visit");
        String p = fx.table("uses_p");
        String v = fx.table("uses_v");
        String bin = fx.db() == TestDatabase.MARIADB ? "VARBINARY(200)" : fx.db().binaryType();
        fx.rawExecute("CREATE TABLE " + p + " (id INT PRIMARY KEY, ssn " + bin + " UNIQUE, note " + bin + ")",
                "CREATE TABLE " + v + " (id INT PRIMARY KEY, patient_ssn " + bin + ")");
        CloakConfig config = fx.configBuilder().principalSource(PrincipalSource.ASSERTED)
                .column(p + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .column(p + ".note", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED)
                .column(v + ".patient_ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, 0, p + ".ssn")
                .accessRule(new AccessRule("restricted", List.of(p + ".ssn", p + ".note", v + ".patient_ssn"), access))
                .build();
        try (Connection app = connect(fx.db(), config, "app");
             PreparedStatement ps = app.prepareStatement("INSERT INTO " + p + " (id, ssn, note) VALUES (?, ?, ?)")) {
            ps.setInt(1, 1);
            ps.setString(2, SSN);
            ps.setString(3, "first visit");
            ps.executeUpdate();
        }
        return new Tables(p, v, config);
    }

    private static Connection connect(TestDatabase db, CloakConfig config, String principal) throws SQLException {
        CloakDataSource ds = new CloakDataSource(db.rawDataSource(), config);
        ds.setPrincipal(principal);
        return ds.getConnection();
    }

    /** A statement of the restricted principal, prepared, bound and run. */
    @FunctionalInterface
    private interface Use {
        void run(Connection c) throws SQLException;
    }

    private static Use prepared(String sql, Object... values) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    ps.setObject(i + 1, values[i]);
                }
                if (ps.execute()) {
                    try (ResultSet rs = ps.getResultSet()) {
                        while (rs.next()) {
                            rs.getObject(1);
                        }
                    }
                }
            }
        };
    }

    private static Use plain(String sql) {
        return c -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        };
    }

    /** The lookups by value, comparisons and copies of the SSN the database could answer a guess with. */
    private static List<Use> oracles(Tables t, TestDatabase db) {
        String p = t.patients();
        String v = t.visits();
        List<Use> uses = new ArrayList<>(List.of(
                prepared("SELECT id FROM " + p + " WHERE ssn = ?", SSN),
                prepared("SELECT id FROM " + p + " WHERE ssn IN (?, ?)", SSN, OTHER_SSN),
                plain("SELECT id FROM " + p + " WHERE ssn = '" + SSN + "'"),
                prepared("DELETE FROM " + p + " WHERE ssn = ?", SSN),
                prepared("UPDATE " + p + " SET id = 2 WHERE ssn <> ?", OTHER_SSN),
                prepared("SELECT " + p + ".id FROM " + p + " JOIN " + v + " ON " + v + ".patient_ssn = " + p
                        + ".ssn"),
                prepared("SELECT ssn, COUNT(*) FROM " + p + " GROUP BY ssn"),
                prepared("INSERT INTO " + v + " (id, patient_ssn) SELECT id, ssn FROM " + p)));
        if (db == TestDatabase.POSTGRESQL) {
            uses.add(prepared("INSERT INTO " + p + " (id, ssn) VALUES (?, ?) ON CONFLICT (ssn) DO NOTHING", 3, SSN));
        }
        return uses;
    }

    /** Writes of the deterministic SSN, which a unique constraint turns into lookups. */
    private static List<Use> deterministicWrites(Tables t, TestDatabase db) {
        String p = t.patients();
        List<Use> uses = new ArrayList<>(List.of(
                prepared("INSERT INTO " + p + " (id, ssn) VALUES (?, ?)", 3, OTHER_SSN),
                prepared("UPDATE " + p + " SET ssn = ? WHERE id = ?", OTHER_SSN, 1),
                plain("INSERT INTO " + p + " (id, ssn) VALUES (4, '" + OTHER_SSN + "')")));
        if (db == TestDatabase.MARIADB) {
            uses.add(prepared("INSERT INTO " + p + " (id, ssn) VALUES (?, ?) ON DUPLICATE KEY UPDATE ssn = ?", 1,
                    OTHER_SSN, OTHER_SSN));
        }
        return uses;
    }

    /** What the database holds, read by a principal that may: refused statements must have left it unchanged. */
    private static List<String> contents(TestDatabase db, Tables t) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection app = connect(db, t.config(), "app"); Statement st = app.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, ssn, note FROM " + t.patients())) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id FROM " + t.visits())) {
                while (rs.next()) {
                    rows.add("visit " + rs.getInt(1));
                }
            }
        }
        return rows;
    }

    private static void refused(Connection c, Use use) {
        SQLException e = Expect.sqlState("28000", () -> use.run(c));
        assertThat(e.getMessage()).contains("Principal restricted may not").doesNotContain(SSN)
                .doesNotContain(OTHER_SSN);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aDeniedPrincipalsLookupsJoinsAndCopiesAreRefusedAndChangeNothing(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Tables t = setUp(fx, DecryptAccess.DENY);
            List<String> before = contents(db, t);
            try (Connection c = connect(db, t.config(), "restricted")) {
                for (Use use : oracles(t, db)) {
                    refused(c, use);
                }
            }
            assertThat(contents(db, t)).isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aDeniedPrincipalsWritesAreRefusedAndChangeNothing(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Tables t = setUp(fx, DecryptAccess.DENY);
            List<String> before = contents(db, t);
            try (Connection c = connect(db, t.config(), "restricted")) {
                for (Use use : deterministicWrites(t, db)) {
                    refused(c, use);
                }
                refused(c, prepared("UPDATE " + t.patients() + " SET note = ? WHERE id = 1", "second visit"));
                refused(c, prepared("SELECT id FROM " + t.patients() + " WHERE note IS NULL"));
            }
            assertThat(contents(db, t)).isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aStatementPreparedForAnotherPrincipalIsDecidedAgainForTheOneThatRunsIt(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Tables t = setUp(fx, DecryptAccess.DENY);
            List<String> before = contents(db, t);
            CloakDataSource ds = new CloakDataSource(db.rawDataSource(), t.config());
            try (Connection c = ds.getConnection();
                 PreparedStatement delete = c.prepareStatement("DELETE FROM " + t.patients() + " WHERE ssn = ?")) {
                c.unwrap(CloakConnection.class).setPrincipal("restricted");
                delete.setString(1, SSN);
                refused(c, ignored -> delete.executeUpdate());
            }
            assertThat(contents(db, t)).isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aDeniedPrincipalCannotWriteThroughAnUpdatableResultSet(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Tables t = setUp(fx, DecryptAccess.DENY);
            List<String> before = contents(db, t);
            try (Connection c = connect(db, t.config(), "restricted");
                 Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                 ResultSet rs = st.executeQuery("SELECT id, note FROM " + t.patients() + " WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                refused(c, ignored -> rs.updateString("note", "second visit"));
            }
            assertThat(contents(db, t)).isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aMaskOrNullPrincipalMayNotLookUpCompareCopyOrWriteADeterministicColumn(TestDatabase db) throws Exception {
        for (DecryptAccess access : List.of(DecryptAccess.MASK, DecryptAccess.NULL)) {
            try (Fixture fx = Fixture.open(db, dir)) {
                Tables t = setUp(fx, access);
                List<String> before = contents(db, t);
                try (Connection c = connect(db, t.config(), "restricted")) {
                    for (Use use : oracles(t, db)) {
                        refused(c, use);
                    }
                    for (Use use : deterministicWrites(t, db)) {
                        refused(c, use);
                    }
                }
                assertThat(contents(db, t)).as(access.policyName()).isEqualTo(before);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aMaskOrNullPrincipalMayTestForNullAndWriteARandomizedColumn(TestDatabase db) throws Exception {
        for (DecryptAccess access : List.of(DecryptAccess.MASK, DecryptAccess.NULL)) {
            try (Fixture fx = Fixture.open(db, dir)) {
                Tables t = setUp(fx, access);
                try (Connection c = connect(db, t.config(), "restricted")) {
                    prepared("UPDATE " + t.patients() + " SET note = ? WHERE id = ?", "second visit", 1).run(c);
                    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + t.patients()
                            + " WHERE ssn IS NOT NULL AND note IS NOT NULL");
                         ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(1);
                    }
                }
                assertThat(contents(db, t)).as(access.policyName()).containsExactly("1 " + SSN + " second visit");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void anAllowedPrincipalMakesEveryUse(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Tables t = setUp(fx, DecryptAccess.ALLOW);
            try (Connection c = connect(db, t.config(), "restricted")) {
                for (Use use : oracles(t, db)) {
                    use.run(c);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aViewsJoinsAndGroupsAreDecidedForThePrincipalThatReadsTheView(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Tables t = setUp(fx, DecryptAccess.DENY);
            String joined = t.patients() + "_joined";
            String matched = t.patients() + "_matched";
            String grouped = t.patients() + "_grouped";
            try {
                try (Connection app = connect(db, t.config(), "app"); Statement st = app.createStatement()) {
                    prepared("INSERT INTO " + t.visits() + " (id, patient_ssn) VALUES (?, ?)", 7, SSN).run(app);
                    // no view shows an encrypted column: only its query compares them
                    st.execute("CREATE VIEW " + joined + " AS SELECT p.id FROM " + t.patients() + " p JOIN "
                            + t.visits() + " v ON v.patient_ssn = p.ssn");
                    st.execute("CREATE VIEW " + matched + " AS SELECT id FROM " + t.visits()
                            + " WHERE patient_ssn IN (SELECT ssn FROM " + t.patients() + ")");
                    st.execute("CREATE VIEW " + grouped + " AS SELECT COUNT(*) AS n FROM " + t.patients()
                            + " GROUP BY ssn");
                }
                List<String> views = List.of(joined, matched, grouped);
                try (Connection c = connect(db, t.config(), "restricted")) {
                    for (String view : views) {
                        refused(c, prepared("SELECT * FROM " + view));
                    }
                }
                try (Connection c = connect(db, t.config(), "app"); Statement st = c.createStatement()) {
                    for (String view : views) {
                        try (ResultSet rs = st.executeQuery("SELECT * FROM " + view)) {
                            assertThat(rs.next()).as(view).isTrue();
                        }
                    }
                }
            } finally {
                fx.rawExecute("DROP VIEW IF EXISTS " + joined, "DROP VIEW IF EXISTS " + matched,
                        "DROP VIEW IF EXISTS " + grouped);
            }
        }
    }
}
