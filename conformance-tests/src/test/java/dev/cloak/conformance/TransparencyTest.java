package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.cloak.conformance.leak.LeakCapture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Statements on tables without encrypted columns behave exactly as with the raw driver. */
class TransparencyTest {

    @TempDir
    Path dir;


    /** Runs one script against {@code table} and records every observable outcome except the table's name. */
    static List<String> outcomes(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            out.add("create=" + st.executeUpdate("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(50), amount DECIMAL(10,2))"));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, name, amount) VALUES (?, ?, ?)")) {
                Object[][] rows = {{1, "alpha", new BigDecimal("10.50")}, {2, "beta", new BigDecimal("20.00")}, {3, "Zoë 李", null}};
                for (Object[] row : rows) {
                    ps.setInt(1, (Integer) row[0]);
                    ps.setString(2, (String) row[1]);
                    ps.setBigDecimal(3, (BigDecimal) row[2]);
                    out.add("insert=" + ps.executeUpdate());
                }
            }
            out.add("update=" + st.executeUpdate("UPDATE " + table + " SET amount = amount + 1 WHERE id >= 2"));
            try (ResultSet rs = st.executeQuery("SELECT id, name, amount FROM " + table + " ORDER BY id DESC")) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    out.add("column " + md.getColumnLabel(i) + " type=" + md.getColumnType(i) + " " + md.getColumnTypeName(i)
                            + " class=" + md.getColumnClassName(i));
                }
                while (rs.next()) {
                    out.add("row " + rs.getObject(1) + "|" + rs.getString(2) + "|" + rs.getBigDecimal(3) + "|" + rs.getObject(3));
                }
            }
            try {
                st.executeUpdate("INSERT INTO " + table + " (id, name) VALUES (1, 'duplicate')");
                out.add("duplicate accepted");
            } catch (SQLException e) {
                LeakCapture.exception("duplicate key", e);
                out.add("duplicate state=" + e.getSQLState() + " code=" + e.getErrorCode());
            }
            out.add("delete=" + st.executeUpdate("DELETE FROM " + table + " WHERE name LIKE 'b%'"));
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(amount) FROM " + table)) {
                rs.next();
                out.add("count=" + rs.getLong(1) + " sum=" + rs.getBigDecimal(2));
            }
            try (ResultSet rs = st.executeQuery("SELECT name FROM " + table + " WHERE id = -1")) {
                out.add("empty=" + !rs.next());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void statementsOnTablesWithoutEncryptedColumnsMatchTheRawDriver(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String configured = fx.table("tr_patients");
            fx.rawExecute("CREATE TABLE " + configured + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(configured + ".ssn", "varchar", "deterministic").write());

            List<String> raw = outcomes(fx.raw(), fx.table("tr_raw"));
            List<String> cloak = outcomes(c, fx.table("tr_cloak"));

            assertThat(cloak).isEqualTo(raw);
            assertThat(raw).contains("update=2", "delete=1", "empty=true");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void delegateErrorsPassThroughWithTheirStateAndVendorCode(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String configured = fx.table("tr_err");
            fx.rawExecute("CREATE TABLE " + configured + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            Connection c = fx.cloak(fx.policy().column(configured + ".ssn", "varchar", "deterministic").write());
            String missing = "tr_no_such_table_" + System.nanoTime();

            SQLException viaRaw;
            SQLException viaCloak;
            try (Statement raw = fx.raw().createStatement(); Statement cloak = c.createStatement()) {
                viaRaw = Expect.sqlException(() -> raw.executeQuery("SELECT * FROM " + missing));
                viaCloak = Expect.sqlException(() -> cloak.executeQuery("SELECT * FROM " + missing));
            }

            assertThat(viaCloak.getSQLState()).isEqualTo(viaRaw.getSQLState());
            assertThat(viaCloak.getErrorCode()).isEqualTo(viaRaw.getErrorCode());
            assertThat(viaCloak.getClass()).isEqualTo(viaRaw.getClass());
        }
    }
}
