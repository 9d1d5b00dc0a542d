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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Views over encrypted columns: Cloak knows the ones it saw created and the ones the catalog shows (read again
 * after {@code keyring.cache.ttl}), decrypts their columns and encrypts lookups on them as on the table, and
 * refuses statements on a view whose columns it cannot map.
 */
class ViewTest {

    @TempDir
    Path dir;

    /** {@code t(id, phone deterministic, note randomized)} with two rows, and a Cloak connection with a short TTL. */
    private static Connection table(Fixture fx, String t) throws SQLException {
        String bin = fx.db().binaryType();
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, phone " + bin + ", note " + bin + ")");
        Connection c = fx.cloak(fx.policy().cacheTtl("1s")
                .column(t + ".phone", "varchar", "deterministic")
                .column(t + ".note", "varchar", "randomized").write());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, phone, note) VALUES (?, ?, ?)")) {
            for (int i = 1; i <= 2; i++) {
                ps.setInt(1, i);
                ps.setString(2, LeakCapture.written("555-010" + i));
                ps.setString(3, LeakCapture.written("allergic to oats " + i));
                ps.executeUpdate();
            }
        }
        return c;
    }

    private static List<String> lookup(Connection c, String sql, String phone) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, phone);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void viewCreatedThroughCloakFindsByItsEncryptedColumnAndDecrypts(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pets");
            String v = t + "_v";
            Connection c = table(fx, t);
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE VIEW " + v + " AS SELECT id, phone AS contact, note FROM " + t);
                }
                assertThat(lookup(c, "SELECT note FROM " + v + " WHERE contact = ?", "555-0102"))
                        .containsExactly("allergic to oats 2");
            } finally {
                fx.rawExecute("DROP VIEW IF EXISTS " + v);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"}) // H2 prepares on the server at once
    void aStatementPreparedBeforeAViewOfItsNameWasCreatedIsNotSentUnderItsOldPlan(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pets");
            String v = t + "_later";
            Connection c = table(fx, t);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + v + " (id, contact) VALUES (?, ?)");
                 PreparedStatement find = c.prepareStatement("SELECT id FROM " + v + " WHERE contact = ?")) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE VIEW " + v + " AS SELECT id, phone AS contact FROM " + t);
                }
                insert.setInt(1, 3);
                insert.setString(2, LeakCapture.written("555-0103"));
                assertThatThrownBy(insert::executeUpdate).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
                find.setString(1, "555-0101");
                assertThatThrownBy(find::executeQuery).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
                // prepared again, each is planned over the view
                assertThat(lookup(c, "SELECT id FROM " + v + " WHERE contact = ?", "555-0101")).containsExactly("1");
            } finally {
                fx.rawExecute("DROP VIEW IF EXISTS " + v);
            }
            String outside = t + "_outside";
            try (PreparedStatement find = c.prepareStatement("SELECT id FROM " + outside + " WHERE contact = ?")) {
                // made outside Cloak: learned from the catalog once the TTL (1 s) has passed, before the next run
                fx.rawExecute("CREATE VIEW " + outside + " AS SELECT id, phone AS contact FROM " + t);
                Thread.sleep(1_500);
                find.setString(1, LeakCapture.written("555-0102"));
                assertThatThrownBy(find::executeQuery).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
            } finally {
                fx.rawExecute("DROP VIEW IF EXISTS " + outside);
            }
            try (Statement raw = fx.raw().createStatement();
                 ResultSet rs = raw.executeQuery("SELECT COUNT(*) FROM " + t + " WHERE id = 3")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("nothing written by the stale statement").isZero();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void viewCreatedOutsideCloakIsLearnedFromTheCatalogAfterTheTtl(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pets");
            String v = t + "_v";
            Connection c = table(fx, t);
            try {
                fx.rawExecute("CREATE VIEW " + v + " AS SELECT id, phone AS contact, note FROM " + t);
                Thread.sleep(1_500);
                assertThat(lookup(c, "SELECT note FROM " + v + " WHERE contact = ?", "555-0101"))
                        .containsExactly("allergic to oats 1");
            } finally {
                fx.rawExecute("DROP VIEW IF EXISTS " + v);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void viewWithAJoinIsLearnedFromTheDefinitionTheCatalogGivesBack(TestDatabase db) throws Exception {
        // PostgreSQL and MariaDB give the definition back with the join in parentheses: FROM (t a JOIN t b ON …)
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pets");
            String v = t + "_v";
            Connection c = table(fx, t);
            try {
                fx.rawExecute("CREATE VIEW " + v + " AS SELECT a.id, b.phone AS contact, a.note FROM " + t + " a"
                        + " JOIN " + t + " b ON b.phone = a.phone");
                Thread.sleep(1_500);
                assertThat(lookup(c, "SELECT note FROM " + v + " WHERE contact = ?", "555-0102"))
                        .containsExactly("allergic to oats 2");
            } finally {
                fx.rawExecute("DROP VIEW IF EXISTS " + v);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void viewCloakCannotMapIsRefusedOnceTheCatalogShowsIt(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pets");
            String v = t + "_v";
            Connection c = table(fx, t);
            try {
                fx.rawExecute("CREATE VIEW " + v + " AS SELECT id, octet_length(note) AS size FROM " + t);
                Thread.sleep(1_500);
                SQLException e = Expect.sqlState("0A000", () -> {
                    try (Statement st = c.createStatement()) {
                        st.executeQuery("SELECT size FROM " + v).close();
                    }
                });
                assertThat(e.getMessage()).contains("cannot tell which of its columns hold encrypted values");
            } finally {
                fx.rawExecute("DROP VIEW IF EXISTS " + v);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void creatingAViewWithALiteralOfAnEncryptedColumnIsRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pets");
            Connection c = table(fx, t);
            SQLException e = Expect.sqlState("0A000", () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE VIEW " + t + "_one AS SELECT id FROM " + t + " WHERE phone = '555-0101'");
                }
            });
            assertThat(e.getMessage()).contains("in the query of view");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = "POSTGRESQL")
    void wholeRowOfAViewIsRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("pets");
            String v = t + "_v";
            Connection c = table(fx, t);
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE VIEW " + v + " AS SELECT id, phone, note FROM " + t);
                }
                Expect.sqlState("0A000", () -> {
                    try (Statement st = c.createStatement()) {
                        st.executeQuery("SELECT row_to_json(x) FROM " + v + " x").close();
                    }
                });
            } finally {
                fx.rawExecute("DROP VIEW IF EXISTS " + v);
            }
        }
    }
}
