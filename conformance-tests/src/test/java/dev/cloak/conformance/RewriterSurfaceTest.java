package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DDL rewriting, encrypted literals, joins and several statements in one string, on each database. */
class RewriterSurfaceTest {

    @TempDir
    Path dir;

    private static final String SSN = "123-45-6789";

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void createTableThroughCloakGivesEncryptedColumnsTheBinaryType(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("ddl");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", "deterministic")
                    .column(t + ".dob", "date", "randomized").write());
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn VARCHAR(11), dob DATE, note VARCHAR(20))");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, dob, note) VALUES (?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, SSN);
                ps.setObject(3, java.time.LocalDate.of(1990, 5, 17));
                ps.setString(4, "plain");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT dob FROM " + t + " WHERE ssn = ?")) {
                ps.setString(1, SSN);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(1, java.time.LocalDate.class)).isEqualTo(java.time.LocalDate.of(1990, 5, 17));
                }
            }
            byte[] cell = fx.rawCells(t, "ssn").get(0);
            assertThat(cell[0]).isEqualTo((byte) 0x01);
            assertThat(new String(cell, StandardCharsets.ISO_8859_1)).doesNotContain(SSN);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void literalsInAPlainStatementAreSentAsCiphertext(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("lit");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", "deterministic").write());
            try (Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("INSERT INTO " + t + " (id, ssn) VALUES (1, '" + SSN + "')")).isEqualTo(1);
                try (ResultSet rs = st.executeQuery("SELECT id, ssn FROM " + t + " WHERE ssn = '" + SSN + "'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                    assertThat(rs.getString(2)).isEqualTo(SSN);
                }
            }
            byte[] cell = fx.rawCells(t, "ssn").get(0);
            assertThat(cell[1]).isEqualTo((byte) 0x02);
            assertThat(new String(cell, StandardCharsets.ISO_8859_1)).doesNotContain(SSN);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void starOverAJoinOfTablesOfDifferentWidthsDecryptsTheRightColumns(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String p = fx.table("jp");
            String v = fx.table("jv");
            String bin = db.binaryType();
            fx.rawExecute("CREATE TABLE " + p + " (id INT PRIMARY KEY, ssn " + bin + ", name VARCHAR(20))",
                    "CREATE TABLE " + v + " (vid INT PRIMARY KEY, patient_ssn " + bin + ", room VARCHAR(5), floor_no INT, wing VARCHAR(5))");
            Connection c = fx.cloak(fx.policy().column(p + ".ssn", "varchar", "deterministic")
                    .rawColumn(v + ".patient_ssn", "{ type: varchar, mode: deterministic, key: " + p + ".ssn }").write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + " (id, ssn, name) VALUES (?, ?, ?)");
                 PreparedStatement pv = c.prepareStatement(
                         "INSERT INTO " + v + " (vid, patient_ssn, room, floor_no, wing) VALUES (?, ?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, SSN);
                ps.setString(3, "Ann");
                ps.executeUpdate();
                pv.setInt(1, 10);
                pv.setString(2, SSN);
                pv.setString(3, "12B");
                pv.setInt(4, 3);
                pv.setString(5, "east");
                pv.executeUpdate();
            }
            List<String> row = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM " + p + " p JOIN " + v + " v ON p.ssn = v.patient_ssn")) {
                assertThat(rs.next()).isTrue();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
            }
            assertThat(row).containsExactly("1", SSN, "Ann", "10", SSN, "12B", "3", "east");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL"})
    void severalStatementsInOneStringAreEachEncrypted(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("multi");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", "deterministic").write());
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + t + " (id, ssn) VALUES (?, ?); INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "111-11-1111");
                ps.setInt(3, 2);
                ps.setString(4, "222-22-2222");
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + t + " WHERE ssn = ?")) {
                ps.setString(1, "222-22-2222");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(2);
                }
            }
            for (byte[] cell : fx.rawCells(t, "ssn")) {
                assertThat(new String(cell, StandardCharsets.ISO_8859_1)).doesNotContain("111-11-1111").doesNotContain("222-22-2222");
            }
        }
    }
}
