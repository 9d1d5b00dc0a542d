package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The access policy (allow, deny, null, mask per principal and column), decided per principal at decrypt time. */
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
            CloakConfig config = fx.configBuilder()
                    .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                    .accessRule(new AccessRule("analytics", List.of(t + ".ssn"), DecryptAccess.MASK))
                    .accessRule(new AccessRule("intern", List.of(t + ".ssn"), DecryptAccess.DENY))
                    .accessRule(new AccessRule("auditor", List.of(t + ".ssn"), DecryptAccess.NULL))
                    .build();
            try (Connection c = connect(db, config, "clinician");
                 PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, SSN);
                ps.executeUpdate();
            }
            assertThat(readSsn(db, config, t, "clinician")).isEqualTo(SSN);
            assertThat(readSsn(db, config, t, "analytics")).isEqualTo("*******6789");
            assertThat(readSsn(db, config, t, "auditor")).isNull();
            SQLException denied = Expect.sqlState("28000", () -> readSsn(db, config, t, "intern"));
            assertThat(denied.getMessage()).doesNotContain("6789");
        }
    }

    private static Connection connect(TestDatabase db, CloakConfig config, String principal) throws SQLException {
        CloakDataSource ds = new CloakDataSource(db.rawDataSource(), config);
        ds.setPrincipal(principal);
        return ds.getConnection();
    }

    private static String readSsn(TestDatabase db, CloakConfig config, String t, String principal) throws SQLException {
        try (Connection c = connect(db, config, principal);
             PreparedStatement ps = c.prepareStatement("SELECT ssn FROM " + t + " WHERE id = ?")) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}
