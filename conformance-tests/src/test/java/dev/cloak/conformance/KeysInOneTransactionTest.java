package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The first keys of a table's encrypted columns are made inside one transaction that also changes the table, as a
 * migration tool runs a script: two encrypted columns added one after the other, a table emptied or dropped and
 * created again, then written. Before a key is created, other connections check that its columns hold no value,
 * and on PostgreSQL the script's own DDL holds a lock on the table that those checks would wait for until the
 * transaction ends. So the first DDL of a configured table makes ready the keys of all its encrypted columns, not
 * only those it declares, while nothing of the transaction locks the table yet.
 */
class KeysInOneTransactionTest {

    private static final AtomicInteger POLICIES = new AtomicInteger();
    private static final String EMAIL = "ada@example.org";
    private static final String PHONE = "+44 20 7946 0958";

    @TempDir
    Path dir;

    /** A policy with a fresh key store (file) for two randomized columns of {@code table}. */
    private Path policy(Fixture fx, String table) throws Exception {
        String yaml = "version: 1\n"
                + "keyring:\n"
                + "  master-key: \"" + fx.masterKeyUri() + "\"\n"
                + "  store: \"file:" + dir.resolve("keys-" + POLICIES.incrementAndGet() + ".json") + "\"\n"
                + "network:\n  require-tls: false\n"
                + "columns:\n"
                + "  " + table + ".email: { type: varchar, mode: randomized }\n"
                + "  " + table + ".phone: { type: varchar, mode: deterministic }\n";
        return Files.writeString(dir.resolve("tx-" + POLICIES.get() + ".yaml"), yaml);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void twoEncryptedColumnsAddedAndWrittenInOneTransaction(TestDatabase db) throws Exception {
        assertThat(readBackAfterOneTransaction(db, "tx_added", "", t -> List.of(
                "ALTER TABLE " + t + " ADD COLUMN email VARCHAR(80)",
                "ALTER TABLE " + t + " ADD COLUMN phone VARCHAR(20)"))).isEqualTo(EMAIL + "|" + PHONE);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aTableEmptiedAndWrittenInOneTransaction(TestDatabase db) throws Exception {
        assertThat(readBackAfterOneTransaction(db, "tx_truncated", db.binaryType(), t -> List.of(
                "TRUNCATE TABLE " + t))).isEqualTo(EMAIL + "|" + PHONE);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aTableDroppedCreatedAndWrittenInOneTransaction(TestDatabase db) throws Exception {
        assertThat(readBackAfterOneTransaction(db, "tx_recreated", db.binaryType(), t -> List.of("DROP TABLE " + t,
                "CREATE TABLE " + t + " (id INT PRIMARY KEY, email VARCHAR(80), phone VARCHAR(20))")))
                .isEqualTo(EMAIL + "|" + PHONE);
    }

    /**
     * Creates a table past Cloak (with the encrypted columns in {@code binary} when given, none of them with a key
     * yet), runs {@code ddl} on it, writes both encrypted columns and commits, in one transaction through Cloak,
     * and reads them back.
     */
    private String readBackAfterOneTransaction(TestDatabase db, String base, String binary,
                                               Function<String, List<String>> ddl) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table(base);
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY"
                    + (binary.isEmpty() ? "" : ", email " + binary + ", phone " + binary) + ")");
            Connection c = fx.cloak(policy(fx, t));
            inOneTransaction(c, t, ddl.apply(t));
            return readBack(c, t);
        }
    }

    /** Runs {@code ddl}, then writes both encrypted columns, and commits: one transaction. */
    private static void inOneTransaction(Connection c, String table, List<String> ddl) throws SQLException {
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                for (String statement : ddl) {
                    s.execute(statement);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + table + " (id, email, phone) VALUES (?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, LeakCapture.written(EMAIL));
                ps.setString(3, LeakCapture.written(PHONE));
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static String readBack(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT email, phone FROM " + table + " WHERE phone = ?")) {
            ps.setString(1, PHONE);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1) + "|" + rs.getString(2);
            }
        }
    }
}
