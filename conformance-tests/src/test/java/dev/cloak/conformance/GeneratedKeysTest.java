package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Generated keys through Cloak. pgjdbc fills them from {@code RETURNING *}, so encrypted columns come back
 * too: they must be decrypted, never handed back as ciphertext.
 */
class GeneratedKeysTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void generatedKeysAreReturnedAndEncryptedColumnsAmongThemAreDecrypted(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("gk");
            String identity = switch (db) {
                case POSTGRESQL -> "id SERIAL PRIMARY KEY";
                case MARIADB -> "id INT AUTO_INCREMENT PRIMARY KEY";
                case H2 -> "id INT AUTO_INCREMENT PRIMARY KEY";
            };
            fx.rawExecute("CREATE TABLE " + t + " (" + identity + ", ssn " + fx.db().binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", "deterministic").write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (ssn) VALUES (?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "123-45-6789");
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt(1)).isEqualTo(1);
                    ResultSetMetaData md = keys.getMetaData();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        if (md.getColumnName(i).equalsIgnoreCase("ssn")) {
                            assertThat(keys.getObject(i)).isEqualTo("123-45-6789");
                        }
                    }
                }
            }
        }
    }

    /** A plain column named like another table's encrypted column is a plain column of the written table. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL"})
    void aPlainGeneratedKeyColumnNamedLikeAnotherTablesEncryptedColumnStaysPlain(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String people = fx.table("gkp");
            String notes = fx.table("gkn");
            fx.rawExecute("CREATE TABLE " + people + " (id SERIAL PRIMARY KEY, ssn BYTEA)",
                    "CREATE TABLE " + notes + " (id SERIAL PRIMARY KEY, ssn VARCHAR(20), secret BYTEA)");
            Connection c = fx.cloak(fx.policy().column(people + ".ssn", "varchar", "deterministic")
                    .column(notes + ".secret", "varchar", "randomized").write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + notes + " (ssn, secret) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "not-secret");
                ps.setString(2, "top secret");
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getString("ssn")).isEqualTo("not-secret");
                    assertThat(keys.getString("secret")).isEqualTo("top secret");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL"})
    void returningListDecryptsTheEncryptedColumn(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("ret");
            fx.rawExecute("CREATE TABLE " + t + " (id SERIAL PRIMARY KEY, ssn BYTEA)");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", "deterministic").write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (ssn) VALUES (?) RETURNING id, ssn")) {
                ps.setString(1, "123-45-6789");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt("id")).isEqualTo(1);
                    assertThat(rs.getString("ssn")).isEqualTo("123-45-6789");
                }
            }
        }
    }

    /** A statement's own RETURNING, asked for as generated keys: its items, as the plan reads them. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL"})
    void generatedKeysOfAStatementWithItsOwnReturningAreReadAsItsItems(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("retk");
            fx.rawExecute("CREATE TABLE " + t + " (id SERIAL PRIMARY KEY, ssn BYTEA)");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", "deterministic").write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (ssn) VALUES (?) RETURNING id,"
                    + " ssn AS k", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "123-45-6789");
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getString("k")).isEqualTo("123-45-6789");
                }
            }
        }
    }

    /**
     * pgjdbc's RETURNING * of an UPDATE … FROM returns the columns of the table it reads too: an encrypted column
     * there is not handed back as a raw cell among the keys, the keys are refused.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL"})
    void generatedKeysOfAnUpdateThatReadsAnotherTablesEncryptedColumnAreRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String people = fx.table("gkr");
            String plain = fx.table("gkq");
            fx.rawExecute("CREATE TABLE " + people + " (id INT, ssn BYTEA)",
                    "CREATE TABLE " + plain + " (id INT, x VARCHAR(10))", "INSERT INTO " + plain + " VALUES (1, 'a')");
            Connection c = fx.cloak(fx.policy().column(people + ".ssn", "varchar", "deterministic").write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + people + " (id, ssn) VALUES (1, ?)")) {
                ps.setString(1, "123-45-6789");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + plain + " SET x = ? FROM " + people
                    + " WHERE " + people + ".id = " + plain + ".id", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "b");
                assertThat(ps.executeUpdate()).isEqualTo(1);
                assertThatThrownBy(ps::getGeneratedKeys).isInstanceOf(SQLException.class)
                        .hasMessageContaining("write RETURNING with the columns you need");
            }
        }
    }

    /**
     * pgjdbc splices generated-key column names into {@code RETURNING}, unquoted with
     * {@code quoteReturningIdentifiers=false}: a name that is not one identifier would be SQL Cloak never planned (a
     * subquery on an encrypted column, or {@code ssn AS id} handing back ciphertext as a key). It is refused (0A000).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void generatedKeyColumnNamesThatAreNotPlainIdentifiersAreRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("gk_names");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            Path policy = fx.policy().column(t + ".ssn", "varchar", "deterministic").write();
            String rawUrl = db == TestDatabase.POSTGRESQL
                    ? db.rawUrl() + (db.rawUrl().contains("?") ? "&" : "?") + "quoteReturningIdentifiers=false"
                    : db.rawUrl();
            Connection c = fx.cloak(policy, rawUrl);
            String insert = "INSERT INTO " + t + " (id, ssn) VALUES (1, '123-45-6789')";
            for (String name : new String[] {"(SELECT count(*) FROM " + t + " WHERE ssn = 'x') AS n", "ssn AS id",
                    "id, ssn", "id -- ", "\"id\" \"ssn\""}) {
                String[] names = {"id", name};
                SQLException prepared = Expect.sqlState("0A000", () -> c.prepareStatement(insert, names));
                assertThat(prepared.getMessage()).contains("not a plain identifier").doesNotContain(name);
                try (Statement st = c.createStatement()) {
                    Expect.sqlState("0A000", () -> st.executeUpdate(insert, names));
                    Expect.sqlState("0A000", () -> st.execute(insert, names));
                    Expect.sqlState("0A000", () -> st.executeLargeUpdate(insert, names));
                }
            }
            assertThat(fx.rawCount(t)).isZero();

            try (PreparedStatement ps = c.prepareStatement(insert, new String[] {"id", "ssn"})) {
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(fx.rawCount(t)).isEqualTo(1);
        }
    }

    /** pgjdbc's RETURNING * of a write through a view returns the view's columns, by the view's names. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL"})
    void generatedKeysOfAWriteThroughAViewAreDecryptedByTheViewsNames(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("gkt");
            String v = fx.table("gkv");
            fx.rawExecute("CREATE TABLE " + t + " (id INT, ssn BYTEA)");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", "deterministic").write());
            try (Statement st = c.createStatement()) {
                st.execute("CREATE VIEW " + v + " AS SELECT id, ssn AS s FROM " + t);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + v + " (id, s) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setInt(1, 1);
                ps.setString(2, "123-45-6789");
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getString("s")).isEqualTo("123-45-6789");
                }
            }
            fx.rawExecute("DROP VIEW " + v);
        }
    }
}
