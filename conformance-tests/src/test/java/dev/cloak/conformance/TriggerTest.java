package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.conformance.leak.LeakCapture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triggers on a configured table, through Cloak against the real servers: one whose body touches only plain columns
 * (the common {@code updated_at} trigger) is created and runs; one whose body would write or read an encrypted
 * column is refused before the server sees it; and on PostgreSQL, replacing the body of a function that such a
 * trigger runs is checked as creating the trigger was.
 */
class TriggerTest {

    private static final String SSN = "078-05-1120";

    @TempDir
    Path dir;

    @Test
    void postgresqlUpdatedAtTriggerRunsAndAFunctionThatWritesTheEncryptedColumnIsRefused() throws Exception {
        try (Fixture fx = Fixture.open(TestDatabase.POSTGRESQL, dir)) {
            String table = fx.table("trig");
            String stamp = fx.table("stamp_fn");
            String leak = fx.table("leak_fn");
            Path policy = fx.policy().column(table + ".ssn", "varchar", "deterministic").write();
            Connection c = fx.cloak(policy);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, ssn VARCHAR(11), city TEXT,"
                        + " updated_at TIMESTAMPTZ)");
                s.execute("CREATE FUNCTION " + stamp + "() RETURNS trigger AS $$ BEGIN NEW.updated_at = now();"
                        + " RETURN NEW; END; $$ LANGUAGE plpgsql");
                s.execute("CREATE FUNCTION " + leak + "() RETURNS trigger AS $$ BEGIN NEW.ssn ="
                        + " convert_to('999-99-9999', 'UTF8'); RETURN NEW; END; $$ LANGUAGE plpgsql");
                s.execute("CREATE TRIGGER " + table + "_stamp BEFORE UPDATE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION " + stamp + "()");

                SQLException refused = catchThrowableOfType(SQLException.class, () -> s.execute("CREATE TRIGGER "
                        + table + "_leak BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + leak + "()"));
                assertThat(refused.getSQLState()).isEqualTo("0A000");
                assertThat(refused.getMessage()).contains("encrypted column " + table + ".ssn");

                SQLException replaced = catchThrowableOfType(SQLException.class, () -> s.execute("CREATE OR REPLACE"
                        + " FUNCTION " + stamp + "() RETURNS trigger AS $$ BEGIN NEW.ssn = convert_to('999-99-9999',"
                        + " 'UTF8'); RETURN NEW; END; $$ LANGUAGE plpgsql"));
                assertThat(replaced.getSQLState()).isEqualTo("0A000");
                assertThat(replaced.getMessage()).contains("which a trigger on configured table " + table + " runs");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, ssn, city)"
                    + " VALUES (1, ?, 'Leeds')")) {
                insert.setString(1, LeakCapture.written(SSN));
                insert.executeUpdate();
            }
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("UPDATE " + table + " SET city = 'York' WHERE id = 1")).isEqualTo(1);
            }
            try (PreparedStatement read = c.prepareStatement("SELECT city, updated_at FROM " + table
                    + " WHERE ssn = ?")) {
                read.setString(1, SSN);
                try (ResultSet rs = read.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("York");
                    assertThat(rs.getTimestamp(2)).as("set by the trigger").isNotNull();
                }
            }
            assertThat(rawCount(fx, "SELECT count(*) FROM pg_trigger WHERE tgname = '" + table + "_leak'")).isZero();
            assertThat(rawCount(fx, "SELECT count(*) FROM pg_proc WHERE proname = '" + stamp
                    + "' AND prosrc LIKE '%ssn%'")).as("the stamp function's body was not replaced").isZero();
            fx.rawExecute("DROP FUNCTION IF EXISTS " + leak + "() CASCADE");
            fx.rawExecute("DROP TABLE IF EXISTS " + table, "DROP FUNCTION IF EXISTS " + stamp + "() CASCADE");
        }
    }

    @Test
    void mariadbTriggerOnPlainColumnsRunsAndOneThatCopiesTheEncryptedColumnIsRefused() throws Exception {
        try (Fixture fx = Fixture.open(TestDatabase.MARIADB, dir)) {
            String table = fx.table("trig");
            Path policy = fx.policy().column(table + ".ssn", "varchar", "deterministic").write();
            Connection c = fx.cloak(policy);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, ssn VARCHAR(11), city VARCHAR(40),"
                        + " note VARCHAR(64))");
                s.execute("CREATE TRIGGER " + table + "_upper BEFORE INSERT ON " + table
                        + " FOR EACH ROW SET NEW.city = UPPER(NEW.city)");
                SQLException refused = catchThrowableOfType(SQLException.class, () -> s.execute("CREATE TRIGGER "
                        + table + "_copy BEFORE UPDATE ON " + table + " FOR EACH ROW SET NEW.note = HEX(NEW.ssn)"));
                assertThat(refused.getSQLState()).isEqualTo("0A000");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, ssn, city)"
                    + " VALUES (1, ?, 'leeds')")) {
                insert.setString(1, LeakCapture.written(SSN));
                insert.executeUpdate();
            }
            try (PreparedStatement read = c.prepareStatement("SELECT city FROM " + table + " WHERE ssn = ?")) {
                read.setString(1, SSN);
                try (ResultSet rs = read.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as("set by the trigger").isEqualTo("LEEDS");
                }
            }
            assertThat(rawCount(fx, "SELECT count(*) FROM information_schema.TRIGGERS WHERE TRIGGER_NAME = '"
                    + table + "_copy'")).isZero();
        }
    }

    private static long rawCount(Fixture fx, String sql) throws SQLException {
        try (Statement s = fx.raw().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
