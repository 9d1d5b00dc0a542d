package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The optional filter of Spring Data and hand-written queries, {@code WHERE (? IS NULL OR ssn = ?)}, binds the
 * same plaintext twice: once for the encrypted column, once for a test that only asks whether it is NULL. The
 * second must not reach the server either: Cloak binds a stand-in there. The server's statement log shows what it
 * received; a value bound through the raw driver shows the check can fail.
 */
class NullTestedParameterTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aValueOnlyTestedForNullNeverReachesTheServer(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String table = fx.table("optional_filter");
            fx.rawExecute("CREATE TABLE " + table + " (id INT, ssn " + db.binaryType() + ", born " + db.binaryType()
                    + ", city VARCHAR(40))");
            Path policy = fx.policy().column(table + ".ssn", "varchar", "deterministic")
                    .column(table + ".born", "date", "randomized").write();
            String marker = "NTP" + ServerReadingStatementLogTest.randomWord(new Random(), 8);
            String wanted = marker + "-1";
            LeakCapture.plaintext(wanted, marker + "-2");
            try (StatementLog log = StatementLog.open(db, fx.raw())) {
                Connection cloak = fx.cloak(policy);
                try (PreparedStatement insert = cloak.prepareStatement("INSERT INTO " + table
                        + " (id, ssn, born, city) VALUES (?, ?, ?, ?)")) {
                    for (int id = 1; id <= 2; id++) {
                        insert.setInt(1, id);
                        insert.setString(2, marker + "-" + id);
                        insert.setObject(3, LocalDate.of(1980, 1, id));
                        insert.setString(4, "Lyon");
                        insert.executeUpdate();
                    }
                }
                String bare = "SELECT id FROM " + table + " WHERE (? IS NULL OR ssn = ?) ORDER BY id";
                assertThat(ids(cloak, bare, wanted, wanted)).containsExactly(1);
                assertThat(ids(cloak, bare, null, null)).containsExactly(1, 2);
                String cast = "SELECT id FROM " + table + " WHERE (CAST(? AS VARCHAR(40)) IS NULL OR ssn = ?)"
                        + " AND (CAST(? AS DATE) IS NOT NULL OR city = ?) ORDER BY id";
                LocalDate born = LocalDate.of(1980, 1, 1);
                assertThat(ids(cloak, cast, wanted, wanted, born, "Lyon")).containsExactly(1);
                assertThat(ids(cloak, cast, null, null, null, "Paris")).isEmpty();
                String update = "UPDATE " + table + " SET city = CASE WHEN ? IS NULL THEN city ELSE 'Nice' END"
                        + " WHERE ssn = ?";
                try (PreparedStatement st = cloak.prepareStatement(update)) {
                    st.setString(1, wanted);
                    st.setString(2, wanted);
                    assertThat(st.executeUpdate()).isEqualTo(1);
                }
                assertThat(ids(cloak, "SELECT id FROM " + table + " WHERE city = ?", "Nice")).containsExactly(1);
                if (db == TestDatabase.MARIADB) {
                    // where '' is NULL, a stand-in of '' would turn the filter into "every row" (H2's Oracle mode
                    // does the same, but it is a setting of the whole database, which other tests share)
                    try (java.sql.Statement st = cloak.createStatement()) {
                        st.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',EMPTY_STRING_IS_NULL')");
                    }
                    assertThat(ids(cloak, bare, wanted, wanted)).containsExactly(1);
                    assertThat(ids(cloak, cast, wanted, wanted, born, "Lyon")).containsExactly(1);
                }

                String control = marker + "-raw";
                assertThat(ids(fx.raw(), "SELECT id FROM " + table + " WHERE ? IS NULL", control)).isEmpty();
                String logged = log.read(marker);
                if (StatementLog.exists(db)) {
                    assertThat(logged).as("the control bound through the raw driver").contains(control);
                }
                assertThat(logged).as("values of the encrypted column in the server's log")
                        .doesNotContain(wanted).doesNotContain(marker + "-2");
            }
        }
    }

    private static List<Integer> ids(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    st.setNull(i + 1, Types.VARCHAR);
                } else {
                    st.setObject(i + 1, values[i]);
                }
            }
            List<Integer> ids = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
            return ids;
        }
    }
}
