package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import dev.cloak.conformance.leak.LeakCapture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The first cut of SQL on encrypted columns: searches, changes and projections. */
class QueryTest {

    @TempDir
    Path dir;


    /**
     * {@code patients(id, ssn deterministic, name randomized, note plain)} with four rows; row 4 has no ssn
     * and no name. Returns the Cloak connection.
     */
    private static Connection patients(Fixture fx, String t) throws Exception {
        String bin = fx.db().binaryType();
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + bin + ", name " + bin + ", note VARCHAR(20))");
        Connection c = fx.cloak(fx.policy()
                .column(t + ".ssn", "varchar", "deterministic")
                .column(t + ".name", "varchar", "randomized").write());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, name, note) VALUES (?, ?, ?, ?)")) {
            String[][] rows = {{"111-11-1111", "Ann"}, {"222-22-2222", "Bob"}, {"333-33-3333", "Zoë 李"}, {null, null}};
            for (int i = 0; i < rows.length; i++) {
                ps.setInt(1, i + 1);
                ps.setString(2, rows[i][0]);
                ps.setString(3, rows[i][1]);
                ps.setString(4, "n" + (i + 1));
                ps.executeUpdate();
            }
        }
        return c;
    }

    /** The ids a prepared query returns, in order; parameters (values of encrypted columns) bound with setObject. */
    private static List<Integer> ids(Connection c, String sql, Object... params) throws Exception {
        LeakCapture.plaintext(params);
        List<Integer> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
        }
        return ids;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void whereEqualsOnDeterministicColumnFindsItsRow(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_eq");
            Connection c = patients(fx, t);
            try (PreparedStatement ps = c.prepareStatement("SELECT id, ssn, name FROM " + t + " WHERE ssn = ?")) {
                ps.setString(1, "222-22-2222");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt("id")).isEqualTo(2);
                    assertThat(rs.getString("ssn")).isEqualTo("222-22-2222");
                    assertThat(rs.getString("name")).isEqualTo("Bob");
                    assertThat(rs.next()).isFalse();
                }
            }
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE ssn = ?", "999-99-9999")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void whereInOnDeterministicColumnFindsEveryListedRow(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_in");
            Connection c = patients(fx, t);
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE ssn IN (?, ?) ORDER BY id", "111-11-1111", "333-33-3333"))
                    .containsExactly(1, 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void whereNotEqualsOnDeterministicColumnFindsTheOtherNonNullRows(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_ne");
            Connection c = patients(fx, t);
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE ssn <> ? ORDER BY id", "111-11-1111")).containsExactly(2, 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void isNullAndIsNotNullWorkOnDeterministicAndRandomizedColumns(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_null");
            Connection c = patients(fx, t);
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE ssn IS NULL")).containsExactly(4);
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE name IS NULL")).containsExactly(4);
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE ssn IS NOT NULL ORDER BY id")).containsExactly(1, 2, 3);
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE name IS NOT NULL ORDER BY id")).containsExactly(1, 2, 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void equalityInAndNotEqualsOnRandomizedColumnAreRejected(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_rand_eq");
            Connection c = patients(fx, t);
            Expect.sqlState("0A000", () -> ids(c, "SELECT id FROM " + t + " WHERE name = ?", "Bob"));
            Expect.sqlState("0A000", () -> ids(c, "SELECT id FROM " + t + " WHERE name IN (?, ?)", "Bob", "Ann"));
            Expect.sqlState("0A000", () -> ids(c, "SELECT id FROM " + t + " WHERE name <> ?", "Bob"));
            Expect.sqlState("0A000", () -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE name = ?")) {
                    ps.setString(1, "Bob");
                    ps.executeUpdate();
                }
            });
            assertThat(fx.rawCount(t)).isEqualTo(4);
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE ssn = ?", "111-11-1111")).containsExactly(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void updateSetWhereOnEncryptedColumnsChangesOnlyThatRow(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_upd");
            Connection c = patients(fx, t);
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET name = ?, ssn = ? WHERE ssn = ?")) {
                ps.setString(1, "Robert");
                ps.setString(2, "444-44-4444");
                ps.setString(3, "222-22-2222");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, ssn, name FROM " + t + " ORDER BY id")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
                }
                assertThat(rows).containsExactly("1|111-11-1111|Ann", "2|444-44-4444|Robert", "3|333-33-3333|Zoë 李", "4|null|null");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void updateSetNullClearsAnEncryptedValue(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_setnull");
            Connection c = patients(fx, t);
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET name = ? WHERE id = ?")) {
                ps.setNull(1, Types.VARCHAR);
                ps.setInt(2, 1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE name IS NULL ORDER BY id")).containsExactly(1, 4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void deleteWhereOnDeterministicColumnRemovesOnlyThatRow(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_del");
            Connection c = patients(fx, t);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE ssn = ?")) {
                ps.setString(1, "333-33-3333");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(fx.rawCount(t)).isEqualTo(3);
            assertThat(ids(c, "SELECT id FROM " + t + " ORDER BY id")).containsExactly(1, 2, 4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void deleteJoiningAnotherTableByADeterministicValueRemovesOnlyThoseRows(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_del_join");
            String other = fx.table("q_del_flags");
            Connection c = patients(fx, t);
            fx.rawExecute("CREATE TABLE " + other + " (patient_id INT, flag VARCHAR(10))",
                    "INSERT INTO " + other + " VALUES (1, 'gone'), (2, 'kept'), (3, 'gone')");
            // PostgreSQL: DELETE ... USING; MariaDB: DELETE t FROM t JOIN ...; H2 has neither form
            String delete = switch (db) {
                case POSTGRESQL -> "DELETE FROM " + t + " p USING " + other + " f WHERE f.patient_id = p.id"
                        + " AND f.flag = 'gone' AND p.ssn = ?";
                case MARIADB -> "DELETE p FROM " + t + " p JOIN " + other + " f ON f.patient_id = p.id"
                        + " WHERE f.flag = 'gone' AND p.ssn = ?";
                case H2 -> null;
            };
            assumeTrue(delete != null, "H2 has no DELETE joining tables");
            try (PreparedStatement ps = c.prepareStatement(delete)) {
                ps.setString(1, LeakCapture.written("333-33-3333"));
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(ids(c, "SELECT id FROM " + t + " ORDER BY id")).containsExactly(1, 2, 4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = "MARIADB")
    void mariaDbsReplaceAndInsertSetStoreCellsThatReadBack(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_replace");
            Connection c = patients(fx, t);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("REPLACE INTO " + t + " VALUES (2, '" + LeakCapture.written("222-22-9999") + "', '"
                        + LeakCapture.written("Bea") + "', 'r2')");
                st.executeUpdate("INSERT INTO " + t + " SET id = 5, ssn = '" + LeakCapture.written("555-55-5555")
                        + "', name = 'Eve'");
            }
            try (PreparedStatement ps = c.prepareStatement("REPLACE " + t + " SET id = ?, ssn = ?, name = ?")) {
                ps.setInt(1, 3);
                ps.setString(2, LeakCapture.written("333-33-0000"));
                ps.setString(3, LeakCapture.written("Cid"));
                assertThat(ps.executeUpdate()).isEqualTo(2);
            }
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE ssn IN (?, ?, ?)", "222-22-9999", "555-55-5555",
                    "333-33-0000")).containsExactlyInAnyOrder(2, 3, 5);
            assertThat(ids(c, "SELECT id FROM " + t + " WHERE ssn = ?", "222-22-2222")).isEmpty();
            assertThat(fx.rawCells(t, "name")).allSatisfy(cell -> assertThat(cell == null || cell[0] == 1).isTrue());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void distinctOverARandomizedColumnBesideItsTablesKeyReturnsEachRowOnce(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_distinct");
            String visits = fx.table("q_distinct_visits");
            Connection c = patients(fx, t);
            fx.rawExecute("CREATE TABLE " + visits + " (patient_id INT, visit_day INT)",
                    "INSERT INTO " + visits + " VALUES (1, 1), (1, 2), (2, 1), (2, 2), (2, 3), (3, 1)");
            // as Hibernate writes "select distinct p from Patient p join p.visits v": every column, the key first
            String sql = "select distinct p1_0.id, p1_0.name, p1_0.note from " + t + " p1_0 join " + visits
                    + " v1_0 on v1_0.patient_id = p1_0.id where v1_0.visit_day >= ?";
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getInt(1) + ":" + rs.getString(2) + ":" + rs.getString(3));
                    }
                }
            }
            assertThat(rows).containsExactlyInAnyOrder("1:Ann:n1", "2:Bob:n2", "3:Zoë 李:n3");
            Expect.sqlState("0A000", () -> ids(c, "SELECT DISTINCT p.note, p.name FROM " + t + " p JOIN " + visits
                    + " v ON v.patient_id = p.id"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void starQualifiedStarAndAliasesAreDecrypted(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("q_proj");
            Connection c = patients(fx, t);
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + t + " WHERE id = 3")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("ssn")).isEqualTo("333-33-3333");
                    assertThat(rs.getString("name")).isEqualTo("Zoë 李");
                    assertThat(rs.getString("note")).isEqualTo("n3");
                }
                try (ResultSet rs = st.executeQuery("SELECT p.* FROM " + t + " p WHERE p.id = 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("ssn")).isEqualTo("111-11-1111");
                    assertThat(rs.getString("name")).isEqualTo("Ann");
                }
                try (ResultSet rs = st.executeQuery("SELECT p.ssn AS s, name AS n, note FROM " + t + " p WHERE id = 2")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("s")).isEqualTo("222-22-2222");
                    assertThat(rs.getString(1)).isEqualTo("222-22-2222");
                    assertThat(rs.getString("n")).isEqualTo("Bob");
                    assertThat(rs.getString(3)).isEqualTo("n2");
                }
            }
        }
    }
}
