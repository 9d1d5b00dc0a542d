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
 * A view definition the server refuses, or one rolled back, is not what Cloak maps afterwards: the views are read
 * from the catalog again before the next statement, so a view column that still carries an encrypted column is
 * decrypted, and values compared with it encrypted.
 */
class ViewDdlFailureTest {

    private static final String SSN = "111-22-3333";

    @TempDir
    Path dir;

    @Test
    void aReplacementTheServerRefusesLeavesTheViewMappedAsTheServerHoldsIt() throws Exception {
        try (Fixture fx = Fixture.open(TestDatabase.POSTGRESQL, dir)) {
            String table = fx.table("vfail");
            String other = fx.table("vfail_other");
            String view = fx.table("vfail_v");
            Path policy = fx.policy().column(table + ".ssn", "varchar", "deterministic").write();
            Connection c = fx.cloak(policy);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, ssn VARCHAR(11))");
                s.execute("CREATE TABLE " + other + " (id INT, x VARCHAR(200))");
                s.execute("CREATE VIEW " + view + " AS SELECT id, ssn AS x FROM " + table);
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, ssn) VALUES (1, ?)")) {
                insert.setString(1, LeakCapture.written(SSN));
                insert.executeUpdate();
            }
            SQLException refused = catchThrowableOfType(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE OR REPLACE VIEW " + view + " AS SELECT id, x FROM " + other);
                }
            });
            assertThat((Throwable) refused).as("the server refuses to change the column type").isNotNull();
            try (PreparedStatement read = c.prepareStatement("SELECT x FROM " + view + " WHERE x = ?")) {
                read.setString(1, SSN);
                try (ResultSet rs = read.executeQuery()) {
                    assertThat(rs.next()).as("the literal was encrypted, as x still carries ssn").isTrue();
                    assertThat(rs.getString(1)).isEqualTo(SSN);
                }
            }
            fx.rawExecute("DROP VIEW IF EXISTS " + view);
        }
    }
}
