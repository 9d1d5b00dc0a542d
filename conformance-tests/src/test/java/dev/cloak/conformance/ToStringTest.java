package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.EncryptedSchema;
import dev.cloak.rewriter.UnsupportedStatementException;
import dev.cloak.rewriter.SqlRewriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code toString()} of the objects an application holds while Cloak works — policy, data source, connection,
 * statements with bound values, result sets, metadata, plans of SQL with literals, a rejection — names no
 * plaintext. Each text also goes to the suite-wide leak check, which searches it for key bytes too.
 */
class ToStringTest {

    private static final String SSN = "321-54-9876";
    private static final String NAME = "Philippa Quartermaine";
    private static final String LITERAL_SSN = "654-32-1987";
    private static final String LITERAL_NAME = "Bartholomew Oyelaran";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void toStringOfCloakObjectsNamesNoPlaintext(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("ts_patients");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ", name " + db.binaryType() + ")");
            CloakConfig config = fx.configBuilder()
                    .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                    .column(t + ".name", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED).build();
            LeakCapture.plaintext(SSN, NAME, LITERAL_SSN, LITERAL_NAME);
            List<Object> described = new ArrayList<>(List.of(config));

            try (CloakDataSource ds = new CloakDataSource(db.rawDataSource(), config); Connection c = ds.getConnection()) {
                described.add(ds);
                described.add(c);
                described.add(c.getMetaData());
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + t + " (id, ssn, name) VALUES (?, ?, ?)")) {
                    insert.setInt(1, 1);
                    insert.setString(2, SSN);
                    insert.setString(3, NAME);
                    described.add(insert.toString()); // with values bound, before they are sent
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                    described.add(insert);
                }
                try (Statement st = c.createStatement()) {
                    assertThat(st.executeUpdate("INSERT INTO " + t + " (id, ssn, name) VALUES (2, '" + LITERAL_SSN + "', '"
                            + LITERAL_NAME + "')")).isEqualTo(1);
                    described.add(st);
                }
                try (PreparedStatement select = c.prepareStatement("SELECT id, ssn, name FROM " + t + " WHERE ssn = ?")) {
                    select.setString(1, SSN);
                    try (ResultSet rs = select.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString("name")).isEqualTo(NAME);
                        described.add(rs);
                        described.add(rs.getMetaData());
                    }
                    described.add(select);
                }
            }

            SqlRewriter rewriter = new SqlRewriter(EncryptedSchema.of(List.of(
                    new EncryptedColumn(null, t, "ssn", false, true, t + ".ssn"),
                    new EncryptedColumn(null, t, "name", false, false, t + ".name"))), 16);
            described.add(rewriter.plan("INSERT INTO " + t + " (id, ssn, name) VALUES (3, '" + LITERAL_SSN + "', '" + LITERAL_NAME + "')"));
            described.add(rewriter.plan("SELECT name FROM " + t + " WHERE ssn = '" + LITERAL_SSN + "'"));
            described.add(rewriter.plan("UPDATE " + t + " SET name = ? WHERE ssn IN (?, '" + LITERAL_SSN + "')"));
            UnsupportedStatementException rejected = org.assertj.core.api.Assertions.catchThrowableOfType(
                    UnsupportedStatementException.class,
                    () -> rewriter.plan("SELECT id FROM " + t + " WHERE name LIKE '" + LITERAL_NAME + "%'"));
            assertThat((Throwable) rejected).as("LIKE on a randomized column").isNotNull();
            LeakCapture.exception("LIKE with a literal", rejected);
            described.add(rejected);

            for (Object o : described) {
                LeakCapture.toStringOf(o);
                assertThat(String.valueOf(o)).as("toString of %s", o.getClass().getName())
                        .doesNotContain(SSN, NAME, LITERAL_SSN, LITERAL_NAME, "Bartholomew", "Philippa");
            }
        }
    }
}
