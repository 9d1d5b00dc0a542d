package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.CloakConnection;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.config.PrincipalSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The access policy (allow, deny, null, mask per principal and column), decided per principal at decrypt time. The
 * principals here are named by the application ({@code access.principal: asserted}); {@link SessionPrincipalTest}
 * covers principals that are the database's own users.
 */
class AccessPolicyTest {

    @TempDir
    Path dir;

    private static final String SSN = "123-45-6789";

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void eachPrincipalGetsWhatItsRuleSays(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("acl");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            CloakConfig config = fx.configBuilder().principalSource(PrincipalSource.ASSERTED)
                    .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                    .accessRule(new AccessRule("analytics", List.of(t + ".ssn"), DecryptAccess.MASK))
                    .accessRule(new AccessRule("intern", List.of(t + ".ssn"), DecryptAccess.DENY))
                    .accessRule(new AccessRule("auditor", List.of(t + ".ssn"), DecryptAccess.NULL))
                    .build();
            insert(db, config, t, 1, SSN);
            assertThat(readSsn(db, config, t, 1, "clinician")).isEqualTo(SSN);
            assertThat(readSsn(db, config, t, 1, "analytics")).isEqualTo("****6789");
            assertThat(readSsn(db, config, t, 1, "auditor")).isNull();
            SQLException denied = Expect.sqlState("28000", () -> readSsn(db, config, t, 1, "intern"));
            assertThat(denied.getMessage()).doesNotContain("6789");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aRuleThatNamesTheSchemaOfAColumnConfiguredWithoutOneIsApplied(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("acl_schema");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            String schema = fx.raw().getSchema() != null ? fx.raw().getSchema() : fx.raw().getCatalog();
            CloakConfig config = fx.configBuilder().principalSource(PrincipalSource.ASSERTED)
                    .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                    .accessRule(new AccessRule("analytics", List.of(schema + "." + t + ".ssn"), DecryptAccess.MASK))
                    .build();
            insert(db, config, t, 1, SSN);

            assertThat(readSsn(db, config, t, 1, "analytics")).as("rule on " + schema + "." + t + ".ssn")
                    .isEqualTo("****6789");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aMaskHasOneWidthSoItDoesNotTellTheLengthOfAShortValue(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("acl_mask");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            CloakConfig config = fx.configBuilder().principalSource(PrincipalSource.ASSERTED)
                    .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED)
                    .accessRule(new AccessRule("analytics", List.of(t + ".ssn"), DecryptAccess.MASK))
                    .build();
            String[] values = {"A1", "B2C3D", "E4F5G6H", "7", SSN, "4111-1111-1111-1111"};
            for (int i = 0; i < values.length; i++) {
                insert(db, config, t, i + 1, values[i]);
            }

            for (int i = 0; i < values.length; i++) {
                String masked = readSsn(db, config, t, i + 1, "analytics");
                assertThat(masked).as(values[i]).hasSize(8)
                        .isEqualTo(values[i].length() < 8 ? "********" : "****" + values[i].substring(values[i].length() - 4));
            }
        }
    }

    /** Reads are decided per cell as read: a principal set mid-iteration decides the rows read after it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aPrincipalSetWhileAResultIsReadDecidesEveryCellReadAfterIt(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("acl_switch");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            CloakConfig config = fx.configBuilder().principalSource(PrincipalSource.ASSERTED)
                    .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                    .accessRule(new AccessRule("analytics", List.of(t + ".ssn"), DecryptAccess.MASK))
                    .accessRule(new AccessRule("intern", List.of(t + ".ssn"), DecryptAccess.DENY))
                    .build();
            for (int id = 1; id <= 3; id++) {
                insert(db, config, t, id, SSN);
            }
            try (Connection c = new CloakDataSource(db.rawDataSource(), config).getConnection();
                 Statement s = c.createStatement()) {
                CloakConnection cloak = c.unwrap(CloakConnection.class);
                cloak.setPrincipal("clinician");
                try (ResultSet rs = s.executeQuery("SELECT id, ssn FROM " + t + " ORDER BY id")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(2)).isEqualTo(SSN);

                    cloak.setPrincipal("analytics");
                    assertThat(rs.getString(2)).as("the value read for clinician is not served").isEqualTo("****6789");
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(2)).isEqualTo("****6789");

                    cloak.setPrincipal("intern");
                    Expect.sqlState("28000", () -> rs.getString(2));
                    assertThat(rs.next()).isTrue();
                    Expect.sqlState("28000", () -> rs.getObject("ssn"));

                    cloak.setPrincipal("clinician");
                    assertThat(rs.getString(2)).isEqualTo(SSN);
                }
            }
        }
    }

    private static void insert(TestDatabase db, CloakConfig config, String t, int id, String ssn) throws SQLException {
        try (Connection c = connect(db, config, "clinician");
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, ssn);
            ps.executeUpdate();
        }
    }

    private static Connection connect(TestDatabase db, CloakConfig config, String principal) throws SQLException {
        CloakDataSource ds = new CloakDataSource(db.rawDataSource(), config);
        ds.setPrincipal(principal);
        return ds.getConnection();
    }

    private static String readSsn(TestDatabase db, CloakConfig config, String t, int id, String principal)
            throws SQLException {
        try (Connection c = connect(db, config, principal);
             PreparedStatement ps = c.prepareStatement("SELECT ssn FROM " + t + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}
