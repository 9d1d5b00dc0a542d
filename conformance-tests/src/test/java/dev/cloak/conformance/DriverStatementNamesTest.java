package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgjdbc keeps a statement it has run five times prepared on the server under a name anyone can guess ({@code S_1},
 * …), holding the statement as Cloak rewrote it. SQL that reaches it by that name ({@code EXECUTE "S_1"(…)} binding
 * a value unencrypted, {@code DEALLOCATE} and {@code PREPARE} swapping in another statement) is refused before the
 * server sees it, and the application's statement keeps working.
 */
class DriverStatementNamesTest {

    private static final String SSN = "078-05-1120";

    @TempDir
    Path dir;

    @Test
    void sqlCannotReachTheDriversServerSidePreparedStatements() throws Exception {
        try (Fixture fx = Fixture.open(TestDatabase.POSTGRESQL, dir)) {
            String table = fx.table("names");
            Path policy = fx.policy().column(table + ".ssn", "varchar", "deterministic").write();
            Connection c = fx.cloak(policy);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, ssn VARCHAR(11))");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, ssn) VALUES (?, ?)")) {
                for (int id = 1; id <= 6; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, SSN);
                    insert.executeUpdate();
                }
            }
            List<String> names = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT name FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO %'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            assertThat(names).as("pgjdbc prepared the insert on the server").isNotEmpty();
            String name = names.get(0);
            try (Statement s = c.createStatement()) {
                for (String sql : List.of("EXECUTE \"" + name + "\"(100, '" + SSN + "')",
                        "DEALLOCATE \"" + name + "\"",
                        "PREPARE \"" + name + "\"(int, bytea) AS SELECT $1, $2")) {
                    SQLException refused = catchThrowableOfType(SQLException.class, () -> s.execute(sql));
                    assertThat((Throwable) refused).as(sql).isNotNull();
                    assertThat(refused.getSQLState()).as(sql).isEqualTo("0A000");
                    assertThat(refused.getMessage()).as(sql).contains("by name is not sent").doesNotContain(SSN);
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, ssn) VALUES (?, ?)")) {
                insert.setInt(1, 7);
                insert.setString(2, SSN);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement read = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE ssn = ?")) {
                read.setString(1, SSN);
                try (ResultSet rs = read.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).as("every row holds a cell of the value").isEqualTo(7);
                }
            }
            fx.rawExecute("DROP TABLE IF EXISTS " + table);
        }
    }
}
