package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.CloakConnection;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TLS enforcement (SPEC §2.6) and reaching the vendor's own interfaces through Cloak's wrappers. */
class NetworkAndWrappingTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void sessionWithoutTlsIsRefusedWhenTlsIsRequired(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Assumptions.assumeFalse(sessionIsEncrypted(db, fx.raw()), "this server encrypts the session already");
            CloakConfig config = fx.configBuilder().requireTls(true)
                    .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC).build();
            try (CloakDataSource ds = new CloakDataSource(db.rawDataSource(), config)) {
                SQLException refused = Expect.sqlState("08004", ds::getConnection);
                assertThat(refused.getMessage()).contains("not encrypted").contains("require-tls");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void unwrapReachesTheVendorConnectionAndCloaksOwnInterface(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            CloakConfig config = fx.configBuilder()
                    .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC).build();
            Class<?> vendor = switch (db) {
                case H2 -> org.h2.jdbc.JdbcConnection.class;
                case POSTGRESQL -> org.postgresql.PGConnection.class;
                case MARIADB -> org.mariadb.jdbc.Connection.class;
            };
            try (CloakDataSource ds = new CloakDataSource(db.rawDataSource(), config); Connection c = ds.getConnection()) {
                assertThat(c.isWrapperFor(vendor)).isTrue();
                assertThat(c.unwrap(vendor)).isInstanceOf(vendor);
                assertThat(c.unwrap(CloakConnection.class)).isSameAs(c);
                try (Statement st = c.createStatement()) {
                    assertThat(st.getConnection()).isSameAs(c);
                }
            }
        }
    }

    private static boolean sessionIsEncrypted(TestDatabase db, Connection raw) throws SQLException {
        String sql = db == TestDatabase.POSTGRESQL
                ? "SELECT CASE WHEN ssl THEN 'on' ELSE '' END FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
                : "SHOW SESSION STATUS LIKE 'Ssl_cipher'";
        try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            String value = rs.next() ? rs.getString(rs.getMetaData().getColumnCount()) : null;
            return value != null && !value.isBlank();
        }
    }
}
