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
 * PostgreSQL partitions and children are read and written through their parent: one listed in the policy with the
 * parent's key domains is created and works both ways (its cells are the parent's), one that is not listed is
 * refused before the server sees it, and so is attaching a table that is not listed.
 */
class SharedRowsTest {

    private static final String SSN = "078-05-1120";
    private static final String OTHER_SSN = "219-09-9999";

    @TempDir
    Path dir;

    @Test
    void aPartitionListedAlikeSharesTheParentsCellsAndOneNotListedIsRefused() throws Exception {
        try (Fixture fx = Fixture.open(TestDatabase.POSTGRESQL, dir)) {
            String parent = fx.table("parted");
            String listed = fx.table("parted_a");
            String unlisted = fx.table("parted_b");
            Path policy = fx.policy()
                    .column(parent + ".ssn", "varchar", "deterministic")
                    .column(parent + ".name", "varchar", "randomized")
                    .rawColumn(listed + ".ssn", "{ type: varchar, mode: deterministic, key: " + parent + ".ssn }")
                    .rawColumn(listed + ".name", "{ type: varchar, mode: randomized, key: " + parent + ".name }")
                    .write();
            Connection c = fx.cloak(policy);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + parent + " (id INT, ssn VARCHAR(11), name VARCHAR(40))"
                        + " PARTITION BY RANGE (id)");
                s.execute("CREATE TABLE " + listed + " PARTITION OF " + parent + " FOR VALUES FROM (0) TO (100)");
                SQLException refused = catchThrowableOfType(SQLException.class, () -> s.execute("CREATE TABLE "
                        + unlisted + " PARTITION OF " + parent + " FOR VALUES FROM (100) TO (200)"));
                assertThat(refused.getSQLState()).isEqualTo("0A000");
                assertThat(refused.getMessage()).contains("would share rows with configured table " + parent)
                        .contains("key: " + parent + ".ssn");
            }
            assertThat(rawTableExists(fx, unlisted)).isFalse();
            insert(c, parent, 1, SSN);
            insert(c, listed, 2, OTHER_SSN);
            // written through one table, found and decrypted through the other
            assertThat(nameBySsn(c, listed, SSN)).isEqualTo("patient 1");
            assertThat(nameBySsn(c, parent, OTHER_SSN)).isEqualTo("patient 2");
            // both stored as deterministic cells (format 1, mode 2), as the leak check also reads them
            assertThat(fx.rawCells(parent, "ssn")).hasSize(2).allMatch(cell -> cell[0] == 1 && cell[1] == 2);

            fx.rawExecute("CREATE TABLE " + unlisted + " (id INT, ssn BYTEA, name BYTEA)");
            SQLException attach = catchThrowableOfType(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + parent + " ATTACH PARTITION " + unlisted
                            + " FOR VALUES FROM (100) TO (200)");
                }
            });
            assertThat(attach.getSQLState()).isEqualTo("0A000");
            assertThat(fx.rawCount(parent)).isEqualTo(2);
        }
    }

    @Test
    void boundsOfAPartitionOfATablePartitionedByAnEncryptedColumnAreRefused() throws Exception {
        try (Fixture fx = Fixture.open(TestDatabase.POSTGRESQL, dir)) {
            String parent = fx.table("parted_by_ssn");
            String listed = fx.table("parted_by_ssn_a");
            Path policy = fx.policy()
                    .column(parent + ".ssn", "varchar", "deterministic")
                    .column(parent + ".name", "varchar", "randomized")
                    .rawColumn(listed + ".ssn", "{ type: varchar, mode: deterministic, key: " + parent + ".ssn }")
                    .rawColumn(listed + ".name", "{ type: varchar, mode: randomized, key: " + parent + ".name }")
                    .write();
            // partitioned by the encrypted column outside Cloak, which refuses that itself
            fx.rawExecute("CREATE TABLE " + parent + " (id INT, ssn BYTEA, name BYTEA) PARTITION BY LIST (ssn)");
            Connection c = fx.cloak(policy);
            SQLException refused = catchThrowableOfType(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    // the bound would be sent, and kept in the catalog, in clear
                    s.execute("CREATE TABLE " + listed + " PARTITION OF " + parent + " FOR VALUES IN ('"
                            + LeakCapture.written("SSN-PART-1") + "')");
                }
            });
            assertThat(refused.getSQLState()).isEqualTo("0A000");
            assertThat(rawTableExists(fx, listed)).isFalse();
        }
    }

    private static void insert(Connection c, String table, int id, String ssn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, ssn, name) VALUES (?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, LeakCapture.written(ssn));
            ps.setString(3, LeakCapture.written("patient " + id));
            ps.executeUpdate();
        }
    }

    private static String nameBySsn(Connection c, String table, String ssn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM " + table + " WHERE ssn = ?")) {
            ps.setString(1, ssn);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static boolean rawTableExists(Fixture fx, String table) throws SQLException {
        try (PreparedStatement ps = fx.raw().prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
