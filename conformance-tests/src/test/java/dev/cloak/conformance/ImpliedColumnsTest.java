package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.conformance.leak.LeakCapture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code INSERT INTO t VALUES (?, ?, ?)} into a configured table: Cloak names the columns the catalog gave for
 * {@code t}, and encrypts each value for the column at its position. On a connection where the server takes
 * {@code t} for another table (a temporary table, another schema), that order is another: the statement is refused
 * there, never sent with a plaintext value in the position Cloak took for a plain column.
 */
class ImpliedColumnsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void anInsertWithoutAColumnListIsRefusedWhereTheNameIsAnotherTable(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String table = fx.table("implied");
            fx.rawExecute("CREATE TABLE " + table + " (id INT, ssn " + db.binaryType() + ", note VARCHAR(40))");
            Path policy = fx.policy().column(table + ".ssn", "varchar", "deterministic").write();
            String insert = "INSERT INTO " + table + " VALUES (?, ?, ?)";
            Connection first = fx.cloak(policy);
            insertRow(first, insert, 1, "IMPLIED-SSN-1", "first");

            Connection second = fx.cloak(policy);
            String shadow;
            if (db == TestDatabase.H2) {
                String schema = "IMPLIED_" + table.toUpperCase(java.util.Locale.ROOT);
                fx.rawExecute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + "." + table
                        + " (id INT, note VARCHAR(40), ssn " + db.binaryType() + ")");
                second.setSchema(schema);
                shadow = schema + "." + table;
            } else {
                try (Statement st = second.createStatement()) {
                    st.execute("CREATE TEMPORARY TABLE " + table + " (id INT, note VARCHAR(40), ssn "
                            + db.binaryType() + ")");
                }
                shadow = null;
            }
            // the application's own table there holds (id, note, ssn): its values come in that order
            LeakCapture.plaintext("IMPLIED-SSN-2");
            assertThatThrownBy(() -> insertRow(second, insert, 2, "a note", "IMPLIED-SSN-2"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("name the")
                    .hasMessageNotContaining("IMPLIED-SSN-2");
            assertThat(count(second, "SELECT COUNT(*) FROM " + table)).as("rows in the shadowing table").isZero();

            // the first connection's table still takes its rows, encrypted where they belong
            insertRow(first, insert, 3, "IMPLIED-SSN-3", "third");
            try (PreparedStatement st = first.prepareStatement("SELECT note FROM " + table + " WHERE ssn = ?")) {
                st.setString(1, "IMPLIED-SSN-3");
                try (ResultSet rs = st.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("third");
                }
            }

            // prepared (as a call where pgjdbc takes any text for one) before the name came to mean another
            // table, run after: checked again when it runs
            Connection third = fx.cloak(policy);
            boolean call = db == TestDatabase.POSTGRESQL;
            try (PreparedStatement st = call ? third.prepareCall(insert) : third.prepareStatement(insert)) {
                if (shadow != null) {
                    third.setSchema(shadow.substring(0, shadow.indexOf('.')));
                } else {
                    try (Statement ddl = third.createStatement()) {
                        ddl.execute("CREATE TEMPORARY TABLE " + table + " (id INT, note VARCHAR(40), ssn "
                                + db.binaryType() + ")");
                    }
                }
                st.setInt(1, 4);
                st.setString(2, "a note");
                st.setString(3, "IMPLIED-SSN-2");
                assertThatThrownBy(st::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("name the").hasMessageNotContaining("IMPLIED-SSN-2");
            }
            assertThat(count(third, "SELECT COUNT(*) FROM " + table)).as("rows in the shadowing table").isZero();
            if (shadow != null) {
                fx.rawExecute("DROP TABLE " + shadow, "DROP SCHEMA " + shadow.substring(0, shadow.indexOf('.')));
            }
        }
    }

    private static void insertRow(Connection c, String sql, int id, String second, String third)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setInt(1, id);
            st.setString(2, second);
            st.setString(3, third);
            st.executeUpdate();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
