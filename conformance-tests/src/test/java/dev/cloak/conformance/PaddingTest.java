package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pad: N}: every value of up to N bytes is stored in a cell of one size (its plaintext is a type byte, the value
 * padded to N bytes and a padding byte), a longer one is refused (22001), and DDL through Cloak declares that size;
 * {@code pad: { size: N, buckets: true }} rounds up to a multiple of N instead, as {@code pad: N} did before. Cells
 * written under either rule stay readable under the other; a deterministic column keeps finding its rows by value as
 * long as its policy keeps the rule they were written under.
 */
class PaddingTest {

    /** The cell's format and mode bytes and Tink's overhead: AES256-GCM 33 bytes, AES256-SIV 21. */
    private static int overhead(EncryptionMode mode) {
        return 2 + (mode == EncryptionMode.RANDOMIZED ? 33 : 21);
    }

    @TempDir
    Path dir;

    private static void insert(Connection c, String t, int id, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, name) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, LeakCapture.written(name));
            ps.executeUpdate();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseMode")
    void everyValueOfUpToPadBytesIsStoredInACellOfOneSize(TestDatabase db, EncryptionMode mode)
            throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pad_fixed");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, name " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy()
                    .rawColumn(t + ".name", "{ type: varchar, mode: " + mode.policyName() + ", pad: 32 }").write());
            List<String> names = List.of("", "Al", "Ada Lovelace", "x".repeat(32), "Zoë 李 🚀 Ångström");
            for (int i = 0; i < names.size(); i++) {
                insert(c, t, i + 1, names.get(i));
            }

            assertThat(fx.rawCells(t, "name")).extracting(cell -> cell.length)
                    .containsOnly(overhead(mode) + 34);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseMode")
    void aValueLongerThanThePadHoldsIsRefusedWith22001AndNothingIsStored(TestDatabase db, EncryptionMode mode)
            throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pad_long");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, name " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy()
                    .rawColumn(t + ".name", "{ type: varchar, mode: " + mode.policyName() + ", pad: 32 }").write());

            String tooLong = "Maria Magdalena von Hohenzollern!"; // 33 bytes
            SQLException e = Expect.sqlState("22001", () -> insert(c, t, 1, tooLong));

            SQLExceptionCheck.noPlaintext(e, tooLong);
            assertThat(e.getMessage()).contains(t + ".name").contains("more than 32 bytes");
            assertThat(fx.rawCount(t)).isZero();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseMode")
    void padBucketsStoreLongerValuesInMultiplesOfThePad(TestDatabase db, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pad_buckets");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, name " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().rawColumn(t + ".name",
                    "{ type: varchar, mode: " + mode.policyName() + ", pad: { size: 16, buckets: true } }").write());
            insert(c, t, 1, "Al");
            insert(c, t, 2, "Maria Magdalena von Hohenzollern");

            assertThat(fx.rawCells(t, "name")).extracting(cell -> cell.length)
                    .containsExactly(overhead(mode) + 16, overhead(mode) + 48);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void ddlThroughCloakDeclaresTheOneCellSizeOfAFixedPad(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pad_ddl");
            Connection c = fx.cloak(fx.policy()
                    .rawColumn(t + ".name", "{ type: varchar, mode: randomized, size: 100, pad: 32 }").write());
            try (var st = c.createStatement()) {
                st.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, name VARCHAR(100))");
            }
            insert(c, t, 1, "x".repeat(32));

            int cell = overhead(EncryptionMode.RANDOMIZED) + 34;
            assertThat(fx.rawCells(t, "name")).singleElement().satisfies(b -> assertThat(b).hasSize(cell));
            if (db != TestDatabase.POSTGRESQL) {
                // PostgreSQL's bytea has no declared length; the others declare exactly the cell's size
                assertThat(declaredSize(fx.raw(), t, "name")).isEqualTo(cell);
            }
        }
    }

    private static int declaredSize(Connection raw, String table, String column) throws SQLException {
        DatabaseMetaData md = raw.getMetaData();
        for (String name : List.of(table, table.toUpperCase(java.util.Locale.ROOT))) {
            try (ResultSet rs = md.getColumns(raw.getCatalog(), null, name, null)) {
                while (rs.next()) {
                    if (rs.getString("COLUMN_NAME").equalsIgnoreCase(column)) {
                        return rs.getInt("COLUMN_SIZE");
                    }
                }
            }
        }
        throw new AssertionError("no column " + column + " in " + table);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void cellsWrittenUnderPadBucketsAreReadUnderAFixedPadAndFoundByLookupUnderBuckets(TestDatabase db)
            throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pad_change");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, name " + db.binaryType() + ")");
            java.nio.file.Path bucketPolicy = fx.policy().rawColumn(t + ".name",
                    "{ type: varchar, mode: deterministic, pad: { size: 32, buckets: true } }").write();
            Connection buckets = fx.cloak(bucketPolicy);
            insert(buckets, t, 1, "Ada Lovelace");
            insert(buckets, t, 2, "Maria Magdalena von Hohenzollern");

            Connection fixed = fx.cloak(fx.policy()
                    .rawColumn(t + ".name", "{ type: varchar, mode: deterministic, pad: 32 }").write());
            try (PreparedStatement ps = fixed.prepareStatement("SELECT name FROM " + t + " ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Ada Lovelace");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Maria Magdalena von Hohenzollern");
            }
            // the bucket form encodes values as pad: N did before: an upgraded policy keeps finding old rows
            try (PreparedStatement ps = buckets.prepareStatement("SELECT id FROM " + t + " WHERE name = ?")) {
                ps.setString(1, "Ada Lovelace");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
        }
    }
}
