package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.CloakConnection;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.config.PrincipalSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A plain Statement hands out only the result of the last text it ran: a text Cloak refuses, or the server fails,
 * leaves no result, so the previous text's can be neither read as ciphertext nor updated with plaintext under the
 * refused text's plan. And a batch is checked again, as a prepared statement is, before it runs.
 */
class RefusedExecutionTest {

    private static final String SSN = "123-45-6789";

    @TempDir
    Path dir;

    /** {@code patients(id, ssn varchar pad 16, dob date, name)}, both encrypted randomized, with one row. */
    private static Connection patients(Fixture fx, String t) throws SQLException {
        String bin = fx.db().binaryType();
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + bin + ", dob " + bin
                + ", name VARCHAR(20))");
        Connection c = fx.cloak(fx.policy()
                .rawColumn(t + ".ssn", "{ type: varchar, mode: randomized, pad: 16 }")
                .column(t + ".dob", "date", "randomized").write());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, dob, name) VALUES (?, ?, ?, ?)")) {
            ps.setInt(1, 1);
            ps.setString(2, SSN);
            ps.setDate(3, Date.valueOf("1984-03-12"));
            ps.setString(4, "Ada");
            ps.executeUpdate();
        }
        return c;
    }

    /** What each refusal is: its SQLState, and a text Cloak refuses with it before sending anything. */
    private static Map<String, String> refusals(String t) {
        return Map.of(
                "22018", "INSERT INTO " + t + " (id, dob) VALUES (77, '1999-13-45')",
                "22001", "INSERT INTO " + t + " (id, ssn) VALUES (78, '" + "9".repeat(40) + "')");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aTextCloakRefusesLeavesNoResultOfThePreviousText(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("refused");
            Connection c = patients(fx, t);
            for (Map.Entry<String, String> refusal : refusals(t).entrySet()) {
                try (Statement s = c.createStatement()) {
                    assertThat(s.execute("SELECT ssn, name FROM " + t + " WHERE id = 1")).isTrue();

                    Expect.sqlState(refusal.getKey(), () -> s.execute(refusal.getValue()));

                    assertThat(s.getResultSet()).as(refusal.getKey()).isNull();
                    assertThat(s.getMoreResults()).as(refusal.getKey()).isFalse();
                    assertThat(s.getUpdateCount()).as(refusal.getKey()).isEqualTo(-1);
                    Expect.sqlState("0A000", s::getGeneratedKeys);
                }
            }
            assertThat(fx.rawCount(t)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aTextWhoseKeyCannotBeHadLeavesNoResultOfThePreviousText(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("refused_key");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            // where the key store file should be there is a directory: no key can be read or made (58030)
            Path keys = dir.resolve("keys-as-directory.json");
            Files.createDirectory(keys);
            Files.writeString(keys.resolve("occupied"), "x");
            CloakConfig config = fx.configBuilder().keyStore("file:" + keys)
                    .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED).build();
            try (CloakDataSource ds = new CloakDataSource(db.rawDataSource(), config);
                 Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThat(s.execute("SELECT 1")).isTrue();

                Expect.sqlState("58030", () -> s.execute("INSERT INTO " + t + " (id, ssn) VALUES (1, '" + SSN + "')"));

                assertThat(s.getResultSet()).isNull();
                assertThat(s.getUpdateCount()).isEqualTo(-1);
            }
            assertThat(fx.rawCount(t)).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void anUpdatableResultOfTheTextBeforeARefusedOneIsNotHandedOutToWritePlaintext(TestDatabase db)
            throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("refused_upd");
            Connection c = patients(fx, t);
            try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE)) {
                s.execute("SELECT id, ssn, name FROM " + t + " WHERE id = 1");
                Expect.sqlState("22018", () -> s.execute("INSERT INTO " + t + " (id, dob) VALUES (77, '1999-13-45')"));

                assertThat(s.getResultSet()).isNull();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT ssn FROM " + t)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(SSN);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aTextTheServerFailsLeavesNoResultAndTheNextTextIsReadAsUsual(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("refused_srv");
            Connection c = patients(fx, t);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT ssn, name FROM " + t + " WHERE id = 1");
                Expect.sqlException(() -> s.execute("INSERT INTO " + t + " (id, name) VALUES (1, 'duplicate')"));

                assertThat(s.getResultSet()).isNull();
                assertThat(s.execute("SELECT ssn, name FROM " + t + " WHERE id = 1")).isTrue();
                try (ResultSet rs = s.getResultSet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(SSN);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aBatchIsCheckedForThePrincipalItRunsUnderNotTheOneItWasBatchedUnder(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("batch_acl");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            CloakConfig config = fx.configBuilder().principalSource(PrincipalSource.ASSERTED)
                    .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                    .accessRule(new AccessRule("analytics", List.of(t + ".ssn"), DecryptAccess.MASK))
                    .build();
            try (Connection c = new CloakDataSource(db.rawDataSource(), config).getConnection();
                 Statement s = c.createStatement()) {
                CloakConnection cloak = c.unwrap(CloakConnection.class);
                cloak.setPrincipal("admin");
                s.addBatch("INSERT INTO " + t + " (id, ssn) VALUES (1, '" + SSN + "')");
                cloak.setPrincipal("analytics");

                Expect.sqlState("28000", s::executeBatch);
                Expect.sqlState("28000", () -> s.executeUpdate("INSERT INTO " + t + " (id, ssn) VALUES (2, 'x')"));
                assertThat(s.executeBatch()).as("the refused batch was dropped").isEmpty();
                assertThat(fx.rawCount(t)).isZero();

                cloak.setPrincipal("admin");
                s.addBatch("INSERT INTO " + t + " (id, ssn) VALUES (1, '" + SSN + "')");
                assertThat(s.executeBatch()).containsExactly(1);
                assertThat(fx.rawCount(t)).isEqualTo(1);
            }
        }
    }
}
