package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Bad policies, bad values and unsupported SQL fail closed, and leave the connection and the data intact. */
class RejectionTest {

    @TempDir
    Path dir;


    /** {@code patients(id, ssn deterministic varchar, age deterministic int)} with two rows. */
    private static Connection patients(Fixture fx, String t) throws Exception {
        String bin = fx.db().binaryType();
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + bin + ", age " + bin + ", note VARCHAR(20))");
        Connection c = fx.cloak(fx.policy()
                .column(t + ".ssn", "varchar", "deterministic")
                .column(t + ".age", "int", "deterministic").write());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, age, note) VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= 2; i++) {
                ps.setInt(1, i);
                ps.setString(2, i + "00-00-0000");
                ps.setInt(3, 40 + i);
                ps.setString(4, "n" + i);
                ps.executeUpdate();
            }
        }
        return c;
    }

    /** The rows as Cloak reads them: the connection still works and nothing was lost or changed. */
    private static void assertIntact(Connection c, String t) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, ssn, age, note FROM " + t + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getInt(3) + "|" + rs.getString(4));
            }
        }
        assertThat(rows).containsExactly("1|100-00-0000|41|n1", "2|200-00-0000|42|n2");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void unknownTypeInPolicyFailsWithF0000NamingFileAndLine(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Path policy = fx.policy().rawColumn("patients.ssn", "{ type: varchar2, mode: deterministic }").write();

            SQLException e = Expect.sqlState("F0000", () -> {
                try (Connection c = fx.cloak(policy); Statement st = c.createStatement()) {
                    st.executeQuery("SELECT 1").close();
                }
            });
            assertThat(e.getMessage()).contains(policy.getFileName().toString()).containsAnyOf("varchar2", "type");
            // The path may hold digits itself, so look for the line number in what remains.
            assertThat(e.getMessage().replace(policy.toString(), "").replace(policy.getFileName().toString(), ""))
                    .containsPattern("\\b" + Fixture.FIRST_COLUMN_LINE + "\\b");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void missingPolicyFileFailsAtConnectNamingThePath(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Path missing = dir.resolve("no-such-policy.yaml");

            SQLException e = Expect.sqlException(() -> fx.cloak(missing));
            assertThat(e.getMessage()).contains(missing.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void textBoundToIntColumnFailsWith22018WithoutEchoingIt(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rj_conv");
            Connection c = patients(fx, t);

            SQLException e = Expect.sqlState("22018", () -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, age) VALUES (?, ?, ?)")) {
                    ps.setInt(1, 3);
                    ps.setString(2, "300-00-0000");
                    ps.setString(3, "forty-two");
                    ps.executeUpdate();
                }
            });
            SQLExceptionCheck.noPlaintext(e, "forty-two", "300-00-0000");
            assertThat(fx.rawCount(t)).isEqualTo(2);
            assertIntact(c, t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void orderByOnEncryptedColumnIsRejectedWithoutSendingIt(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rj_order");
            Connection c = patients(fx, t);

            SQLException select = Expect.sqlState("0A000", () -> {
                try (Statement st = c.createStatement()) {
                    st.executeQuery("SELECT id FROM " + t + " ORDER BY ssn").close();
                }
            });
            assertThat(select.getMessage()).containsIgnoringCase("ssn").containsIgnoringCase("ORDER BY");
            // Had this been sent, the table would hold four rows.
            Expect.sqlState("0A000", () -> {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO " + t + " (id, ssn, age, note) SELECT id + 100, ssn, age, note FROM " + t + " ORDER BY ssn");
                }
            });
            assertThat(fx.rawCount(t)).isEqualTo(2);
            assertIntact(c, t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void severalStatementsInOneStringAreRefusedWholeWhenOneIsUnsupportedAndNothingRuns(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rj_multi");
            Connection c = patients(fx, t);

            // Each statement is analysed: the second compares an encrypted column with <, so neither runs.
            Expect.sqlState("0A000", () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("UPDATE " + t + " SET note = 'changed' WHERE id = 1; DELETE FROM " + t + " WHERE ssn < 'x'");
                }
            });
            assertThat(fx.rawCount(t)).isEqualTo(2);
            try (Statement st = fx.raw().createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + t + " WHERE note = 'changed'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            assertIntact(c, t);
        }
    }
}
