package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code DatabaseMetaData.getColumns} through Cloak: encrypted columns are described by their logical type
 * (what ORM schema validation compares with), every other row and column exactly as the raw driver says.
 */
class SchemaMetadataTest {

    private static final List<String> TYPE_COLUMNS =
            List.of("DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "CHAR_OCTET_LENGTH");

    @TempDir
    Path dir;

    private static String table(Fixture fx) throws SQLException {
        String t = fx.table("meta_patients");
        String bin = fx.db().binaryType();
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + bin + ", dob " + bin + ", balance " + bin
                + ", visits " + bin + ", card " + bin + ", note VARCHAR(40), raw_bytes " + bin + ")");
        return t;
    }

    private static Path policy(Fixture fx, String t) {
        return fx.policy()
                .rawColumn(t + ".ssn", "{ type: varchar, mode: deterministic, size: 11 }")
                .column(t + ".dob", "date", "randomized")
                .column(t + ".balance", "decimal", "randomized")
                .column(t + ".visits", "int", "randomized")
                .column(t + ".card", "uuid", "deterministic")
                .write();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void encryptedColumnsReportTheirLogicalType(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx);
            Connection cloak = fx.cloak(policy(fx, t));

            Map<String, Map<String, Object>> columns = columns(cloak.getMetaData(), t);

            assertThat(columns.get("ssn")).containsEntry("DATA_TYPE", Types.VARCHAR).containsEntry("TYPE_NAME", "VARCHAR")
                    .containsEntry("COLUMN_SIZE", 11).containsEntry("DECIMAL_DIGITS", null);
            assertThat(columns.get("dob")).containsEntry("DATA_TYPE", Types.DATE).containsEntry("TYPE_NAME", "DATE");
            assertThat(columns.get("balance")).containsEntry("DATA_TYPE", Types.DECIMAL).containsEntry("NUM_PREC_RADIX", 10);
            assertThat(columns.get("visits")).containsEntry("DATA_TYPE", Types.INTEGER).containsEntry("TYPE_NAME", "INTEGER")
                    .containsEntry("COLUMN_SIZE", 10).containsEntry("DECIMAL_DIGITS", 0);
            assertThat(columns.get("card")).containsEntry("DATA_TYPE", Types.OTHER).containsEntry("TYPE_NAME", "UUID");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void plainColumnsAndNonTypeFieldsAreExactlyWhatTheRawDriverReports(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx);
            Connection cloak = fx.cloak(policy(fx, t));

            Map<String, Map<String, Object>> viaCloak = columns(cloak.getMetaData(), t);
            Map<String, Map<String, Object>> raw = columns(fx.raw().getMetaData(), t);

            assertThat(viaCloak.keySet()).containsExactlyElementsOf(raw.keySet());
            assertThat(viaCloak.get("id")).isEqualTo(raw.get("id"));
            assertThat(viaCloak.get("note")).isEqualTo(raw.get("note"));
            assertThat(viaCloak.get("raw_bytes")).as("a binary column the policy does not name").isEqualTo(raw.get("raw_bytes"));
            for (String encrypted : List.of("ssn", "dob", "balance", "visits", "card")) {
                Map<String, Object> expected = new LinkedHashMap<>(raw.get(encrypted));
                Map<String, Object> actual = new LinkedHashMap<>(viaCloak.get(encrypted));
                TYPE_COLUMNS.forEach(expected::remove);
                TYPE_COLUMNS.forEach(actual::remove);
                assertThat(actual).as("non-type fields of %s", encrypted).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void typeFieldsReadByIndexAndAsOtherJavaTypesAgree(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx);
            Connection cloak = fx.cloak(policy(fx, t));

            try (ResultSet rs = cloak.getMetaData().getColumns(null, null, storedName(cloak, t), "%")) {
                int dataType = rs.findColumn("DATA_TYPE");
                int found = 0;
                while (rs.next()) {
                    if (rs.getString("COLUMN_NAME").equalsIgnoreCase("visits")) {
                        found++;
                        assertThat(rs.getInt(dataType)).isEqualTo(Types.INTEGER);
                        assertThat(rs.getLong(dataType)).isEqualTo(Types.INTEGER);
                        assertThat(rs.getString(dataType)).isEqualTo(String.valueOf(Types.INTEGER));
                        assertThat(rs.getObject("DATA_TYPE")).isEqualTo(Types.INTEGER);
                        assertThat(rs.wasNull()).isFalse();
                    }
                }
                assertThat(found).isEqualTo(1);
            }
        }
    }

    /** Every column of {@code table} as COLUMN_NAME (lower case) -> field -> value, in ordinal order. */
    private static Map<String, Map<String, Object>> columns(DatabaseMetaData meta, String table) throws SQLException {
        Map<String, Map<String, Object>> columns = new LinkedHashMap<>();
        try (ResultSet rs = meta.getColumns(null, null, storedName(meta.getConnection(), table), "%")) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                names.add(md.getColumnLabel(i).toUpperCase(Locale.ROOT));
            }
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= names.size(); i++) {
                    Object value = rs.getObject(i);
                    // Numbers as Integer, so raw drivers that say Short or Long compare with Cloak's Integer.
                    row.put(names.get(i - 1), value instanceof Number n && !(value instanceof java.math.BigDecimal) ? (Object) n.intValue() : value);
                }
                columns.put(Objects.toString(row.get("COLUMN_NAME")).toLowerCase(Locale.ROOT), row);
            }
        }
        return columns;
    }

    /** The table name as the database stores an unquoted identifier (H2 upper-cases, PostgreSQL lower-cases). */
    private static String storedName(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        return meta.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table.toLowerCase(Locale.ROOT);
    }
}
