package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import dev.cloak.driver.config.EncryptionMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every logical type survives a trip through {@code jdbc:cloak:} in both modes, on every database. */
class RoundTripTest {

    @TempDir
    Path dir;


    /** Creates {@code (id INT PRIMARY KEY, secret BINARY)} with {@code secret} encrypted; returns a Cloak connection. */
    private static Connection encryptedTable(Fixture fx, String t, TypeSample s, EncryptionMode mode) throws Exception {
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, secret " + fx.db().binaryType() + ")");
        return fx.cloak(fx.policy().column(t + ".secret", s.policyName(), mode.policyName()).write());
    }

    /** Reads {@code secret} of every row, ordered by id, with {@code getObject(i, Class)}. */
    private static List<Object> readAll(Connection c, String t, TypeSample s) throws Exception {
        List<Object> values = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, secret FROM " + t + " ORDER BY id")) {
            while (rs.next()) {
                values.add(rs.getObject(2, s.javaClass()));
            }
        }
        return values;
    }

    private static void assertSameValues(TypeSample s, List<Object> expected, List<Object> actual) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(s.sameValue(expected.get(i), actual.get(i)))
                    .as("row %d: expected %s, read %s", i, TypeSample.describe(expected.get(i)), TypeSample.describe(actual.get(i)))
                    .isTrue();
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseTypeMode")
    void extremeValuesRoundTripThroughSetObjectAndGetObjectWithClass(TestDatabase db, TypeSample s, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rt_obj");
            Connection c = encryptedTable(fx, t, s, mode);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, secret) VALUES (?, ?)")) {
                for (int i = 0; i < s.extremes().size(); i++) {
                    ps.setInt(1, i);
                    ps.setObject(2, s.extremes().get(i));
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
            }
            assertSameValues(s, s.extremes(), readAll(c, t, s));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseTypeMode")
    void valuesRoundTripThroughSetObjectWithTargetType(TestDatabase db, TypeSample s, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rt_target");
            Connection c = encryptedTable(fx, t, s, mode);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, secret) VALUES (?, ?)")) {
                for (int i = 0; i < s.extremes().size(); i++) {
                    ps.setInt(1, i);
                    ps.setObject(2, s.extremes().get(i), s.type().jdbcType());
                    ps.executeUpdate();
                }
            }
            assertSameValues(s, s.extremes(), readAll(c, t, s));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseTypeMode")
    void valuesRoundTripThroughTypedSettersAndGetters(TestDatabase db, TypeSample s, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rt_typed");
            Connection c = encryptedTable(fx, t, s, mode);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, secret) VALUES (?, ?)")) {
                for (int i = 0; i < s.typedValues().size(); i++) {
                    ps.setInt(1, i);
                    s.setTyped(ps, 2, s.typedValues().get(i));
                    ps.executeUpdate();
                }
            }
            List<Object> read = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT secret FROM " + t + " ORDER BY id")) {
                while (rs.next()) {
                    read.add(s.getTyped(rs, 1));
                    assertThat(rs.wasNull()).isFalse();
                }
            }
            assertSameValues(s, s.typedValues(), read);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseTypeMode")
    void nullRoundTripsAsSqlNull(TestDatabase db, TypeSample s, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rt_null");
            Connection c = encryptedTable(fx, t, s, mode);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, secret) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setNull(2, s.type().jdbcType());
                ps.executeUpdate();
                ps.setInt(1, 2);
                ps.setObject(2, null, s.type().jdbcType());
                ps.executeUpdate();
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT secret FROM " + t + " ORDER BY id")) {
                for (int row = 1; row <= 2; row++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(1, s.javaClass())).isNull();
                    assertThat(rs.wasNull()).isTrue();
                    assertThat(rs.getString(1)).isNull();
                }
                assertThat(rs.next()).isFalse();
            }
            assertThat(fx.rawCells(t, "secret")).containsOnlyNulls();
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseTypeMode")
    void getStringReadsAValueOfEveryType(TestDatabase db, TypeSample s, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rt_string");
            Connection c = encryptedTable(fx, t, s, mode);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, secret) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setObject(2, s.typical());
                ps.executeUpdate();
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT secret FROM " + t)) {
                assertThat(rs.next()).isTrue();
                String text = rs.getString(1);
                assertThat(s.readsAsString(text)).as("getString gave %s", text).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseMode")
    void batchInsertRoundTrips(TestDatabase db, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rt_batch");
            String bin = db.binaryType();
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + bin + ", age " + bin + ", dob " + bin + ")");
            Connection c = fx.cloak(fx.policy()
                    .column(t + ".ssn", "varchar", mode.policyName())
                    .column(t + ".age", "int", mode.policyName())
                    .column(t + ".dob", "date", mode.policyName()).write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, age, dob) VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= 3; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "ssn-" + i + "-Zoë");
                    ps.setInt(3, 30 + i);
                    ps.setObject(4, LocalDate.of(1980 + i, i, i));
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                // Drivers report each row as 1 or as SUCCESS_NO_INFO (-2).
                assertThat(java.util.Arrays.stream(counts).boxed().toList()).hasSize(3)
                        .allMatch(n -> n == 1 || n == Statement.SUCCESS_NO_INFO);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, ssn, age, dob FROM " + t + " ORDER BY id")) {
                for (int i = 1; i <= 3; i++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("ssn")).isEqualTo("ssn-" + i + "-Zoë");
                    assertThat(rs.getInt("age")).isEqualTo(30 + i);
                    assertThat(rs.getObject("dob", LocalDate.class)).isEqualTo(LocalDate.of(1980 + i, i, i));
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.cloak.conformance.Combinations#databaseMode")
    void multiRowInsertRoundTrips(TestDatabase db, EncryptionMode mode) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rt_multi");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ", note VARCHAR(20))");
            Connection c = fx.cloak(fx.policy().column(t + ".ssn", "varchar", mode.policyName()).write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, note) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "111-11-1111");
                ps.setString(3, "first");
                ps.setInt(4, 2);
                ps.setNull(5, Types.VARCHAR);
                ps.setString(6, "second");
                ps.setInt(7, 3);
                ps.setString(8, "Zoë 李 🚀");
                ps.setString(9, "third");
                assertThat(ps.executeUpdate()).isEqualTo(3);
            }
            List<String> rows = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, ssn, note FROM " + t + " ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
                }
            }
            assertThat(rows).containsExactly("1|111-11-1111|first", "2|null|second", "3|Zoë 李 🚀|third");
        }
    }

    /**
     * A randomized decimal reads back with the scale it was bound with ({@code 1234.50}, not {@code 1234.5}); one
     * declared with {@code scale: 2} reads back as a raw {@code NUMERIC(12,2)} column does, whatever the bound
     * scale; a deterministic one without a scale keeps one form per number so that a lookup by {@code 1234.5} finds
     * the row written as {@code 1234.50}.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aDecimalKeepsItsScaleAndADeterministicOneIsFoundByValue(TestDatabase db) throws Exception {
        List<BigDecimal> amounts = List.of(new BigDecimal("1234.50"), new BigDecimal("0.10"), new BigDecimal("0.00"),
                new BigDecimal("-7.00"));
        List<String> unscaled = List.of("1234.5", ".1", "0", "-7");
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rt_scale");
            String bin = db.binaryType();
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, plain NUMERIC(12,2), amount " + bin
                    + ", scaled " + bin + ", code " + bin + ")");
            Connection c = fx.cloak(fx.policy()
                    .column(t + ".amount", "decimal", "randomized")
                    .rawColumn(t + ".scaled", "{ type: decimal, mode: randomized, scale: 2 }")
                    .column(t + ".code", "decimal", "deterministic").write());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, plain, amount, scaled, code) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < amounts.size(); i++) {
                    ps.setInt(1, i);
                    ps.setBigDecimal(2, new BigDecimal(unscaled.get(i)));
                    ps.setBigDecimal(3, amounts.get(i));
                    ps.setString(4, unscaled.get(i));
                    ps.setString(5, amounts.get(i).toPlainString());
                    ps.executeUpdate();
                }
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT plain, amount, scaled, code FROM " + t + " ORDER BY id")) {
                assertThat(rs.getMetaData().getScale(3)).isEqualTo(2);
                for (BigDecimal amount : amounts) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBigDecimal("plain")).isEqualTo(amount); // the raw column pads to scale 2
                    // equals() compares the scale
                    assertThat(rs.getBigDecimal("amount")).isEqualTo(rs.getBigDecimal("plain"));
                    assertThat(rs.getString("amount")).isEqualTo(rs.getString("plain"));
                    assertThat(rs.getBigDecimal("scaled")).isEqualTo(rs.getBigDecimal("plain"));
                    assertThat(rs.getString("scaled")).isEqualTo(rs.getString("plain"));
                    assertThat(rs.getBigDecimal("code")).isEqualByComparingTo(amount);
                }
                assertThat(rs.next()).isFalse();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + t + " WHERE code = ?")) {
                ps.setBigDecimal(1, new BigDecimal("1234.5"));
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isZero();
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }
}
