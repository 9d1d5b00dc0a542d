package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.CloakConnection;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TLS enforcement (network.require-tls) and reaching the vendor's own interfaces through Cloak's wrappers. */
class NetworkAndWrappingTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void sessionWithoutTlsIsRefusedWhenTlsIsRequired(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Assumptions.assumeFalse(sessionIsEncrypted(db, plain(db)), "this server encrypts every session");
            // verify-server off: the URL would be refused before connecting otherwise (the next test)
            CloakConfig config = fx.configBuilder().requireTls(true).verifyServer(false)
                    .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC).build();
            try (CloakDataSource ds = new CloakDataSource(db.newRawDataSource(plain(db)), config)) {
                SQLException refused = Expect.sqlState("08004", ds::getConnection);
                assertThat(refused.getMessage()).contains("not encrypted").contains("require-tls");
            }
        }
    }

    /**
     * With require-tls on, verify-server is on too: a URL that does not make the driver check the server's certificate
     * and host name is refused before the target data source is asked for a connection, naming the setting to add.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void urlThatDoesNotVerifyTheServerIsRefusedBeforeConnecting(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            CloakConfig config = fx.configBuilder().requireTls(true)
                    .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC).build();
            DataSource raw = db.newRawDataSource(plain(db));
            int[] asked = {0};
            DataSource counting = db == TestDatabase.POSTGRESQL ? new org.postgresql.ds.PGSimpleDataSource() {
                @Override
                public Connection getConnection() throws SQLException {
                    asked[0]++;
                    return raw.getConnection();
                }
            } : raw;
            if (counting instanceof org.postgresql.ds.PGSimpleDataSource pg) {
                pg.setURL(plain(db));
            }
            String setting = db == TestDatabase.POSTGRESQL ? "sslmode=verify-full" : "sslMode=verify-full";
            try (CloakDataSource ds = new CloakDataSource(counting, config)) {
                SQLException refused = Expect.sqlState("08004", ds::getConnection);
                assertThat(refused.getMessage()).contains(setting).contains("network.verify-server");
            }
            assertThat(asked[0]).isZero();
            Path policy = fx.policy().network("require-tls", "true").column("patients.ssn", "varchar", "deterministic")
                    .write();
            SQLException viaUrl = Expect.sqlState("08004", () -> fx.cloak(policy, plain(db)));
            assertThat(viaUrl.getMessage()).contains(setting);
        }
    }

    /**
     * The {@code database} key store opens connections of its own; they carry wrapped keysets and key metadata and
     * are held to {@code network.require-tls} as the application's are. Here the application's database is an
     * embedded H2 (no network, so it passes) and the key store is a server without TLS.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void theKeyStoresOwnConnectionsAreHeldToRequireTls(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            Assumptions.assumeFalse(sessionIsEncrypted(db, plain(db)), "this server encrypts every session");
            String t = fx.table("tls_keys");
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:" + t + ";DB_CLOSE_DELAY=-1");
            try (Connection c = h2.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn VARBINARY(200))");
            }
            for (boolean requireTls : new boolean[] {true, false}) {
                CloakConfig config = fx.configBuilder().keyStore("database").requireTls(requireTls).verifyServer(false)
                        .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC).build();
                try (CloakDataSource ds = new CloakDataSource(h2, config)) {
                    ds.setKeyStoreDataSource(db.newRawDataSource(plain(db)));
                    try (Connection c = ds.getConnection();
                         PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
                        ps.setInt(1, requireTls ? 1 : 2);
                        if (requireTls) {
                            SQLException refused = Expect.sqlState("58030", () -> {
                                ps.setString(2, LeakCapture.written("900-12-3456"));
                                ps.executeUpdate();
                            });
                            assertThat(refused.getMessage()).contains("key store unavailable");
                            assertThat((Throwable) refused).rootCause().isInstanceOfSatisfying(SQLException.class, cause -> {
                                assertThat(cause.getSQLState()).isEqualTo("08004");
                                assertThat(cause.getMessage()).contains("not encrypted").contains("require-tls");
                            });
                        } else {
                            ps.setString(2, LeakCapture.written("900-12-3456"));
                            assertThat(ps.executeUpdate()).isEqualTo(1);
                        }
                    }
                }
            }
        }
    }

    /**
     * MariaDB's initSql runs statements Cloak never sees: refused before the driver sees the URL, so the statement
     * never reaches the server; once the policy allows it, the same URL runs it (so the check would see it).
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"MARIADB"})
    void initSqlIsRefusedAndNeverReachesTheServer(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("init_sql");
            String url = db.rawUrl() + (db.rawUrl().contains("?") ? "&" : "?") + "initSql=CREATE/**/TABLE/**/" + t
                    + "(i/**/INT)"; // comments for spaces: nothing to encode
            Path refusing = fx.policy().write();
            SQLException refused = Expect.sqlState("08001", () -> fx.cloak(refusing, url));
            assertThat(refused.getMessage()).contains("initSql").contains("network.allow-driver-settings");
            assertThat(tableExists(fx.raw(), t)).isFalse();

            Path allowing = fx.policy().network("allow-driver-settings", "[initSql]").write();
            fx.cloak(allowing, url).close();
            assertThat(tableExists(fx.raw(), t)).isTrue();
        }
    }

    private static boolean tableExists(Connection raw, String table) throws SQLException {
        try (ResultSet rs = raw.getMetaData().getTables(raw.getCatalog(), null, table, null)) {
            return rs.next();
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

    /**
     * The raw URL asking for a session without TLS, whatever the raw URL says (over TLS with CLOAK_TEST_OVER_TLS):
     * pgjdbc's default, sslmode=prefer, would encrypt it where the server offers TLS.
     */
    private static String plain(TestDatabase db) {
        String url = db.rawUrl();
        return url + (url.contains("?") ? "&" : "?") + (db == TestDatabase.POSTGRESQL ? "sslmode" : "sslMode")
                + "=disable";
    }

    private static boolean sessionIsEncrypted(TestDatabase db, String url) throws SQLException {
        try (Connection raw = java.sql.DriverManager.getConnection(url)) {
            return sessionIsEncrypted(db, raw);
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
