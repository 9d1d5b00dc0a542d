package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The harness itself, against the raw drivers: runs before the Cloak driver exists. */
class DatabaseHarnessTest {

    @TempDir
    Path dir;

    @Test
    void cloakUrlReplacesOnlyTheLeadingJdbcPrefix() {
        assertThat(TestDatabase.toCloakUrl("jdbc:postgresql://127.0.0.1:5432/test?user=root&app=jdbc:x"))
                .isEqualTo("jdbc:cloak:postgresql://127.0.0.1:5432/test?user=root&app=jdbc:x");
        assertThat(TestDatabase.toCloakUrl("jdbc:h2:mem:jdbc_db;DB_CLOSE_DELAY=-1"))
                .isEqualTo("jdbc:cloak:h2:mem:jdbc_db;DB_CLOSE_DELAY=-1");
    }

    @Test
    void h2IsAlwaysAvailable() {
        assertThat(TestDatabase.H2.isAvailable()).isTrue();
        assertThat(TestDatabase.H2.cloakUrl()).startsWith("jdbc:cloak:h2:mem:");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void rawDriverAnswersAQuery(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir);
             Statement st = fx.raw().createStatement();
             ResultSet rs = st.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void binaryColumnTypeStoresArbitraryBytesExactly(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("harness_bin");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, cell " + db.binaryType() + ")");
            byte[] large = new byte[40_000];
            new Random(7).nextBytes(large);
            byte[][] cells = {new byte[0], {0, 1, 2, (byte) 0xff}, large};
            try (PreparedStatement ps = fx.raw().prepareStatement("INSERT INTO " + t + " (id, cell) VALUES (?, ?)")) {
                for (int i = 0; i < cells.length; i++) {
                    ps.setInt(1, i);
                    ps.setBytes(2, cells[i]);
                    ps.executeUpdate();
                }
            }
            assertThat(fx.rawCells(t, "cell")).containsExactly(cells);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void rawDataSourceReachesTheSameDatabaseAsTheRawUrl(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("harness_ds");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY)", "INSERT INTO " + t + " (id) VALUES (7)");
            try (Connection c = db.rawDataSource().getConnection();
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id FROM " + t)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void fixtureDropsItsTablesWhenClosed(TestDatabase db) throws Exception {
        String t;
        try (Fixture fx = Fixture.open(db, dir)) {
            t = fx.table("harness_drop");
            fx.rawExecute("CREATE TABLE " + t + " (id INT)");
        }
        try (Connection c = db.openRaw(); Statement st = c.createStatement()) {
            Expect.sqlException(() -> st.executeQuery("SELECT COUNT(*) FROM " + t));
        }
    }

    @Test
    void tableNamesAreUniqueAndHoldOnlyLettersDigitsAndUnderscores() throws Exception {
        Set<String> names = new HashSet<>();
        try (Fixture fx = Fixture.open(TestDatabase.H2, dir)) {
            for (int i = 0; i < 1000; i++) {
                names.add(fx.table("t"));
            }
        }
        assertThat(names).hasSize(1000).allMatch(n -> n.matches("t_[0-9]+_[0-9]+"));
    }

    @Test
    void policyColumnsStartAtTheDocumentedLine() throws Exception {
        try (Fixture fx = Fixture.open(TestDatabase.H2, dir)) {
            String yaml = fx.policy().column("patients.ssn", "varchar", "deterministic").yaml();
            assertThat(yaml.split("\n")[Fixture.FIRST_COLUMN_LINE - 1])
                    .isEqualTo("  patients.ssn: { type: varchar, mode: deterministic }");
            assertThat(yaml).contains("require-tls: false").contains("master-key: \"local:file:" + dir);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void transparencyScriptRunsOnTheRawDriver(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            List<String> outcomes = TransparencyTest.outcomes(fx.raw(), fx.table("harness_tr"));
            assertThat(outcomes).contains("create=0", "insert=1", "update=2", "delete=1", "empty=true")
                    .anyMatch(o -> o.startsWith("duplicate state=23"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void insertSelectOrderByIsValidSqlSoItsRejectionProvesNothingWasSent(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("harness_order");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ", age " + db.binaryType()
                    + ", note VARCHAR(20))", "INSERT INTO " + t + " (id, note) VALUES (1, 'n1'), (2, 'n2')");
            fx.rawExecute("INSERT INTO " + t + " (id, ssn, age, note) SELECT id + 100, ssn, age, note FROM " + t + " ORDER BY ssn");
            assertThat(fx.rawCount(t)).isEqualTo(4);
        }
    }
}
