package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
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
 * Statements that need the database's catalog or touch no encrypted value, run through Cloak on each database:
 * INSERT without a column list, utility statements on a configured table, long lists on plain columns, and the
 * refusals that protect encrypted values (COPY, whole-row references, parse failures that say where).
 */
class CatalogStatementTest {

    @TempDir
    Path dir;

    /** A table {@code t(id, phone deterministic, city plain)} created through Cloak, and the Cloak connection. */
    private static Connection table(Fixture fx, String t, String... moreEncrypted) throws SQLException {
        Fixture.Policy policy = fx.policy().column(t + ".phone", "varchar", "deterministic");
        for (String column : moreEncrypted) {
            policy.column(t + "." + column, "varchar", "randomized");
        }
        Connection c = fx.cloak(policy.write());
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, phone VARCHAR(20), city VARCHAR(40))");
        }
        return c;
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void insertWithoutAColumnListEncryptsByTheCatalogsColumnOrder(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, LeakCapture.written("608-555-0110"));
                ps.setString(3, "Madison");
                ps.executeUpdate();
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + t + " VALUES (2, '" + LeakCapture.written("608-555-0111") + "', 'Verona')");
            }
            assertThat(rows(c, "SELECT id, phone, city FROM " + t + " ORDER BY id"))
                    .containsExactly("1|608-555-0110|Madison", "2|608-555-0111|Verona");
            assertThat(fx.rawCells(t, "phone")).allSatisfy(cell -> assertThat(cell[0]).isEqualTo((byte) 1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void columnAddedThroughCloakIsInTheNextInsertWithoutAColumnList(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t, "address");
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + t + " VALUES (1, '608-555-0120', 'Madison')");
                st.execute("ALTER TABLE " + t + " ADD COLUMN address VARCHAR(80)");
                st.executeUpdate("INSERT INTO " + t + " VALUES (2, '608-555-0121', 'Verona', '"
                        + LeakCapture.written("12 Larch Street") + "')");
            }
            assertThat(rows(c, "SELECT address FROM " + t + " WHERE phone = '608-555-0121'"))
                    .containsExactly("12 Larch Street");
            assertThat(fx.rawCells(t, "address").get(1)[0]).isEqualTo((byte) 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void fiveThousandItemInListOnAPlainColumnOfAConfiguredTableRuns(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + t + " (id, phone, city) VALUES (4999, '608-555-0130', 'Madison')");
            }
            StringBuilder in = new StringBuilder();
            for (int i = 0; i < 5_000; i++) {
                in.append(i == 0 ? "" : ", ").append(i);
            }
            assertThat(rows(c, "SELECT phone FROM " + t + " WHERE id IN (" + in + ")")).containsExactly("608-555-0130");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void commentGrantAnalyzeAndIndexesOnAConfiguredTableRun(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE INDEX " + t + "_city ON " + t + " (city)");
                st.execute("CREATE UNIQUE INDEX " + t + "_phone ON " + t + " (phone)");
                st.execute(db == TestDatabase.POSTGRESQL ? "ANALYZE " + t : "ANALYZE TABLE " + t);
                st.execute("GRANT SELECT ON " + t + " TO " + (db == TestDatabase.MARIADB ? "CURRENT_USER" : "PUBLIC"));
                if (db != TestDatabase.MARIADB) {
                    st.execute("COMMENT ON TABLE " + t + " IS 'owners of the pets'");
                }
                st.executeUpdate("INSERT INTO " + t + " (id, phone, city) VALUES (1, '608-555-0140', 'Madison')");
            }
            Expect.sqlState(db == TestDatabase.POSTGRESQL ? "23505" : db == TestDatabase.H2 ? "23505" : "23000", () -> {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO " + t + " (id, phone, city) VALUES (2, '608-555-0140', 'Verona')");
                }
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "H2"})
    void truncateWithItsOptionsRunsOnAConfiguredTable(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + t + " (id, phone, city) VALUES (1, '608-555-0150', 'Madison')");
                st.execute("TRUNCATE TABLE " + t + " RESTART IDENTITY");
            }
            assertThat(rows(c, "SELECT id FROM " + t)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = "POSTGRESQL")
    void explainAnalyzeOfAnInsertStoresTheEncryptedValue(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            try (PreparedStatement ps = c.prepareStatement(
                    "EXPLAIN ANALYZE INSERT INTO " + t + " (id, phone, city) VALUES (1, ?, 'Madison')")) {
                ps.setString(1, LeakCapture.written("608-555-0160"));
                try (ResultSet plan = ps.executeQuery()) {
                    assertThat(plan.next()).isTrue();
                }
            }
            assertThat(rows(c, "SELECT phone FROM " + t)).containsExactly("608-555-0160");
            assertThat(fx.rawCells(t, "phone").get(0)[0]).isEqualTo((byte) 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = "POSTGRESQL")
    void copyFromStdinOnAConfiguredTableIsRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            SQLException e = Expect.sqlState("0A000", () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("COPY " + t + " FROM STDIN");
                }
            });
            assertThat(e.getMessage()).contains("COPY naming a configured table is not supported");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = "MARIADB")
    void loadDataIntoAConfiguredTableIsRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            Expect.sqlState("0A000", () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("LOAD DATA LOCAL INFILE '/dev/null' INTO TABLE " + t);
                }
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void wholeRowReferenceToAConfiguredTableIsRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            SQLException e = Expect.sqlState("0A000", () -> {
                try (Statement st = c.createStatement()) {
                    st.executeQuery("SELECT o FROM " + t + " o").close();
                }
            });
            assertThat(e.getMessage()).contains("whole-row reference to o");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void parseFailureNamesWhereItStoppedWithoutTheLiteral(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            SQLException e = Expect.sqlState("0A000", () -> {
                try (Statement st = c.createStatement()) {
                    st.executeQuery("SELECT id FROM " + t + "\nWHERE phone = '608-555-0199' 608555").close();
                }
            });
            assertThat(e.getMessage()).contains("at line 2, column 30 (at a number)").doesNotContain("555");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void nullTestsAndCountsOfAnEncryptedColumnRun(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("owners");
            Connection c = table(fx, t);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + t + " (id, phone, city) VALUES (1, '608-555-0170', 'Madison')");
                st.executeUpdate("INSERT INTO " + t + " (id, phone, city) VALUES (2, NULL, 'Madison')");
            }
            assertThat(rows(c, "SELECT count(phone), count(*), sum(CASE WHEN phone IS NULL THEN 1 ELSE 0 END) FROM " + t))
                    .containsExactly("1|2|1");
        }
    }
}
