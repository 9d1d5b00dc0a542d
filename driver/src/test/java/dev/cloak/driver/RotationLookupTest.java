package dev.cloak.driver;

import dev.cloak.keyring.UniqueConstraints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.VersionUsage;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While a deterministic column's key domain has several enabled versions, lookups by value find the
 * rows stored under each of them. Rows are written before and after {@code cloak keys rotate}; each new policy
 * file gives a fresh keyring, as a restarted (or cache-expired) application would have.
 */
class RotationLookupTest {

    private static final String DOMAIN = "patients.ssn";

    @TempDir
    Path dir;

    private String h2Url;

    @BeforeEach
    void createDatabase() throws Exception {
        h2Url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection raw = DriverManager.getConnection(h2Url); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE patients (id INT PRIMARY KEY, ssn VARBINARY(200), name VARBINARY(200), city VARCHAR(20))");
        }
    }

    private Connection cloak() throws Exception {
        Path policy = Files.writeString(dir.resolve("cloak-" + UUID.randomUUID() + ".yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "columns:",
                "  patients.ssn: { type: varchar, mode: deterministic }",
                "  patients.name: { type: varchar, mode: randomized }",
                ""));
        Properties info = new Properties();
        info.setProperty("cloak.config", "file:" + policy);
        return DriverManager.getConnection("jdbc:cloak:" + h2Url.substring("jdbc:".length()), info);
    }

    private KeyAdministration admin() throws Exception {
        return KeyAdministration.open("local:file:" + dir.resolve("master.json"), new FileKeyStore(dir.resolve("keys.json")),
                AuditTrail.NONE, GenerationLedger.NONE);
    }

    private static void insert(Connection c, int id, String ssn, String city) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO patients (id, ssn, name, city) VALUES (?, ?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, ssn);
            ps.setString(3, "name-" + id);
            ps.setString(4, city);
            ps.executeUpdate();
        }
    }

    private static List<Integer> ids(PreparedStatement ps) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        ids.sort(null);
        return ids;
    }

    private Set<Integer> keyIdsInTable() throws SQLException {
        Set<Integer> keyIds = new HashSet<>();
        try (Connection raw = DriverManager.getConnection(h2Url); Statement s = raw.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssn FROM patients WHERE ssn IS NOT NULL")) {
            while (rs.next()) {
                keyIds.add(ByteBuffer.wrap(rs.getBytes(1), 3, 4).getInt());
            }
        }
        return keyIds;
    }

    /** Rows 1 (ssn A), 2 (ssn B) under the first version; rows 3 (ssn A), 4 (ssn C) under the second. */
    private void rowsUnderTwoVersions() throws Exception {
        try (Connection c = cloak()) {
            insert(c, 1, "111-11-1111", "Oslo");
            insert(c, 2, "222-22-2222", "Rome");
        }
        admin().rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        try (Connection c = cloak()) {
            insert(c, 3, "111-11-1111", "Oslo");
            insert(c, 4, "333-33-3333", "Rome");
        }
        assertThat(keyIdsInTable()).as("cells under two key versions").hasSize(2);
    }

    @Test
    void equalityFindsRowsUnderEveryEnabledVersion() throws Exception {
        rowsUnderTwoVersions();
        try (Connection c = cloak()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM patients WHERE ssn = ?")) {
                ps.setString(1, "111-11-1111");
                assertThat(ids(ps)).containsExactly(1, 3);
                ps.setString(1, "222-22-2222");
                assertThat(ids(ps)).as("old version only").containsExactly(2);
                ps.setString(1, "333-33-3333");
                assertThat(ids(ps)).as("new version only").containsExactly(4);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM patients WHERE city = ? AND ssn = ?")) {
                // the text sent has three ?: index 3 must still be refused, never bound into the second ssn copy
                assertThatThrownBy(() -> ps.setString(3, "111-11-1111")).isInstanceOf(SQLException.class);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM patients p WHERE ? = p.ssn AND city = ?")) {
                ps.setString(1, "111-11-1111");
                ps.setString(2, "Oslo");
                assertThat(ids(ps)).as("plain parameter after an expanded one").containsExactly(1, 3);
                ps.setString(2, "Rome");
                assertThat(ids(ps)).isEmpty();
            }
        }
    }

    @Test
    void inListsInequalityAndLiteralsCoverEveryVersion() throws Exception {
        rowsUnderTwoVersions();
        try (Connection c = cloak()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM patients WHERE city = ? AND ssn IN (?, ?)")) {
                ps.setString(1, "Rome");
                ps.setString(2, "222-22-2222");
                ps.setString(3, "333-33-3333");
                assertThat(ids(ps)).containsExactly(2, 4);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM patients WHERE ssn <> ?")) {
                ps.setString(1, "111-11-1111");
                assertThat(ids(ps)).containsExactly(2, 4);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM patients WHERE ssn NOT IN (?)")) {
                ps.setObject(1, "222-22-2222");
                assertThat(ids(ps)).containsExactly(1, 3, 4);
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM patients WHERE ssn = '111-11-1111'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("a literal compared under both versions").isEqualTo(2);
            }
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("UPDATE patients SET name = 'renamed', ssn = '555-55-5555'"
                        + " WHERE ssn = '333-33-3333'")).as("literals inside and outside lookups").isEqualTo(1);
                try (ResultSet rs = s.executeQuery("SELECT name, ssn FROM patients WHERE id = 4")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("renamed");
                    assertThat(rs.getString(2)).isEqualTo("555-55-5555");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM patients WHERE ssn = ?")) {
                ps.setNull(1, Types.VARCHAR);
                assertThat(ids(ps)).as("= NULL matches nothing, as without rotation").isEmpty();
            }
        }
    }

    @Test
    void updatesDeletesAndBatchesByValueReachEveryVersion() throws Exception {
        rowsUnderTwoVersions();
        try (Connection c = cloak()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE patients SET city = ? WHERE ssn = ?")) {
                ps.setString(1, "Lima");
                ps.setString(2, "111-11-1111");
                assertThat(ps.executeUpdate()).isEqualTo(2);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE patients SET ssn = ? WHERE ssn = ?")) {
                ps.setString(1, "444-44-4444");
                ps.setString(2, "222-22-2222");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM patients WHERE ssn = ?")) {
                ps.setString(1, "333-33-3333");
                ps.addBatch();
                ps.setString(1, "444-44-4444");
                ps.addBatch();
                assertThat(ps.executeBatch()).containsExactly(1, 1);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM patients WHERE city = ?")) {
                ps.setString(1, "Lima");
                assertThat(ids(ps)).containsExactly(1, 3);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM patients")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void aDestroyedVersionIsNoLongerLookedUpAndCallableStatementsAreRefusedDuringRotation() throws Exception {
        rowsUnderTwoVersions();
        try (Connection c = cloak()) {
            assertThatThrownBy(() -> c.prepareCall("SELECT id FROM patients WHERE ssn = ?"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("rotating")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
        }
        KeyAdministration admin = admin();
        KeyVersion old = admin.describe(DOMAIN).versions().get(0);
        admin.destroy(DOMAIN, old.id(), VersionUsage.UNCHECKED, true);
        try (Connection c = cloak(); PreparedStatement ps = c.prepareStatement("SELECT id FROM patients WHERE ssn = ?")) {
            ps.setString(1, "111-11-1111");
            assertThat(ids(ps)).as("only the row under the remaining version").containsExactly(3);
            try (PreparedStatement call = c.prepareCall("SELECT id FROM patients WHERE ssn = ?")) {
                call.setString(1, "333-33-3333");
                assertThat(ids(call)).containsExactly(4);
            }
        }
    }
}
