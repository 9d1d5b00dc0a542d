package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import dev.cloak.driver.config.EncryptionMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What the database holds: version-1 cells (format byte, mode byte, Tink ciphertext), never plaintext, bound to their column. */
class StorageTest {

    /** Shorter patterns occur in random ciphertext by chance; four bytes do so once in 2^32 positions. */
    private static final int MIN_NEEDLE = 4;

    @TempDir
    Path dir;


    private static void insert(Connection c, String sql, Object... rows) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < rows.length; i++) {
                ps.setInt(1, i + 1);
                ps.setObject(2, rows[i]);
                ps.executeUpdate();
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseTypeMode")
    void storedCellsAreVersionOneCellsWithoutPlaintext(TestDatabase db, TypeSample s, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("st_cells");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, secret " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(t + ".secret", s.policyName(), mode.policyName()).write());
            insert(c, "INSERT INTO " + t + " (id, secret) VALUES (?, ?)", s.extremes().toArray());

            List<byte[]> cells = fx.rawCells(t, "secret");
            assertThat(cells).hasSameSizeAs(s.extremes());
            for (int i = 0; i < cells.size(); i++) {
                Object plain = s.extremes().get(i);
                byte[] cell = cells.get(i);
                assertThat(cell).as("cell of %s", TypeSample.describe(plain)).isNotNull();
                // format byte, mode byte, then at least Tink's 5-byte key id prefix
                assertThat(cell.length).isGreaterThan(2 + 5);
                assertThat(cell[0]).as("format byte").isEqualTo((byte) 0x01);
                assertThat(cell[1]).as("mode byte").isEqualTo(mode.cellByte());
                for (byte[] needle : s.needles(plain)) {
                    if (needle.length >= MIN_NEEDLE) {
                        assertThat(contains(cell, needle))
                                .as("cell of %s contains its plaintext pattern %s", TypeSample.describe(plain),
                                        needle.length > 32 ? "byte[" + needle.length + "]" : HexFormat.of().formatHex(needle))
                                .isFalse();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void randomizedColumnStoresDifferentCiphertextsForEqualValues(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("st_rand");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, name " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(t + ".name", "varchar", "randomized").write());
            insert(c, "INSERT INTO " + t + " (id, name) VALUES (?, ?)", "Alice", "Alice", "Alice");

            List<byte[]> cells = fx.rawCells(t, "name");
            assertThat(cells).hasSize(3);
            assertThat(cells.stream().map(HexFormat.of()::formatHex).distinct()).hasSize(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void deterministicColumnStoresEqualCiphertextsForEqualValues(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("st_det");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", "deterministic").write());
            insert(c, "INSERT INTO " + t + " (id, ssn) VALUES (?, ?)", "123-45-6789", "123-45-6789", "987-65-4321");

            List<byte[]> cells = fx.rawCells(t, "ssn");
            assertThat(cells.get(0)).isEqualTo(cells.get(1));
            assertThat(Arrays.equals(cells.get(0), cells.get(2))).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void deterministicIntColumnGivesTheSameCiphertextForStringAndIntBindings(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("st_norm");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, age " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(t + ".age", "int", "deterministic").write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, age) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "42");
                ps.executeUpdate();
                ps.setInt(1, 2);
                ps.setInt(2, 42);
                ps.executeUpdate();
                ps.setInt(1, 3);
                ps.setLong(2, 42L);
                ps.executeUpdate();
            }
            List<byte[]> cells = fx.rawCells(t, "age");
            assertThat(cells.get(0)).isEqualTo(cells.get(1)).isEqualTo(cells.get(2));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseMode")
    void ciphertextCopiedIntoAnotherColumnFailsAuthentication(TestDatabase db, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("st_copy");
            String bin = db.binaryType();
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + bin + ", other_ssn " + bin + ")");
            Connection c = fx.cloak(fx.policy()
                    .column(t + ".ssn", "varchar", mode.policyName())
                    .column(t + ".other_ssn", "varchar", mode.policyName()).write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, other_ssn) VALUES (?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "123-45-6789");
                ps.setString(3, "987-65-4321");
                ps.executeUpdate();
            }
            fx.rawExecute("UPDATE " + t + " SET other_ssn = ssn WHERE id = 1");

            SQLExceptionCheck.noPlaintext(Expect.sqlState("22000", () -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT other_ssn FROM " + t + " WHERE id = 1")) {
                    rs.next();
                    rs.getString(1);
                }
            }), "123-45-6789", "987-65-4321");
            // The column the ciphertext belongs to still decrypts, on the same connection.
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT ssn FROM " + t + " WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("123-45-6789");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseMode")
    void tamperedCellFailsAuthentication(TestDatabase db, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("st_tamper");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", mode.policyName()).write());
            insert(c, "INSERT INTO " + t + " (id, ssn) VALUES (?, ?)", "123-45-6789");
            byte[] cell = fx.rawCells(t, "ssn").get(0);
            cell[cell.length - 1] ^= 0x01;
            try (PreparedStatement ps = fx.raw().prepareStatement("UPDATE " + t + " SET ssn = ? WHERE id = 1")) {
                ps.setBytes(1, cell);
                ps.executeUpdate();
            }

            Expect.sqlState("22000", () -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT ssn FROM " + t)) {
                    rs.next();
                    rs.getString(1);
                }
            });
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseMode")
    void aPlaintextValueWrittenAroundCloakIsNotACloakCellAndTheMessageHoldsNothingOfIt(TestDatabase db,
            EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("st_plain");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, email " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(t + ".email", "varchar", mode.policyName()).write());
            try (PreparedStatement ps = fx.raw().prepareStatement("INSERT INTO " + t + " (id, email) VALUES (1, ?)")) {
                ps.setBytes(1, "user@example.org".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ps.executeUpdate();
            }

            java.sql.SQLException e = Expect.sqlState("22000", () -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT email FROM " + t)) {
                    rs.next();
                    rs.getString(1);
                }
            });

            SQLExceptionCheck.noPlaintext(e, "user@example.org");
            // 117 is the first byte of "user", 115 the second: the old messages quoted them. The table's name, with
            // its random digits, is taken out first: "st_plain_2099_94115" once made this fail.
            assertThat(e.getMessage().replace(t, "TABLE")).contains("not a Cloak cell").doesNotContain("117")
                    .doesNotContain("115").doesNotContain("user");
        }
    }
}
