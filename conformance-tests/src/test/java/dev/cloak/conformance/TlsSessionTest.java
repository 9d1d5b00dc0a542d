package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.config.TlsVersion;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Against PostgreSQL and MariaDB with TLS on ({@code .ci/tls.sh}): a verified session passes every network check and
 * encrypts as usual; a wrong host name, an unknown CA, a protocol below {@code network.min-tls} and a missing client
 * certificate are each refused, by the driver's verification Cloak insists on or by Cloak itself.
 */
class TlsSessionTest {

    private static final String SSN = "900-12-3456";

    @TempDir
    Path dir;

    private static CloakConfig.Builder strict(Fixture fx) {
        return fx.configBuilder().requireTls(true).minTls(TlsVersion.TLS_1_3);
    }

    private static CloakDataSource cloak(TestDatabase db, String url, CloakConfig config) {
        return new CloakDataSource(db.newRawDataSource(url), config);
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void verifiedSessionPassesEveryCheckAndEncrypts(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            TlsMaterial.dir();
            String t = fx.table("tls_patients");
            fx.raw().createStatement().execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType()
                    + ")");
            CloakConfig config = strict(fx).column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                    .build();
            try (CloakDataSource ds = cloak(db, TlsMaterial.verified(db), config); Connection c = ds.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (1, ?)")) {
                    ps.setString(1, SSN);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT ssn FROM " + t + " WHERE ssn = ?")) {
                    ps.setString(1, SSN);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo(SSN);
                    }
                }
                assertThat(serverSaysTls(db, c)).startsWith("TLSv1.3");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void wrongHostNameIsRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            // the server's certificate names 127.0.0.1 only: localhost reaches the same server under another name
            String url = TlsMaterial.verified(db).replace("//127.0.0.1:", "//localhost:");
            assertThat(url).contains("//localhost:");
            try (CloakDataSource ds = cloak(db, url, strict(fx).build())) {
                SQLException e = Assertions.catchThrowableOfType(SQLException.class, ds::getConnection);
                assertThat((Throwable) e).as("a session with a server whose certificate names another host").isNotNull();
                assertThat(chain(e)).containsIgnoringCase("localhost");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void unknownCertificateAuthorityIsRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String url = TlsMaterial.verified(db, db.rawUrl(), "unknown-ca.crt");
            try (CloakDataSource ds = cloak(db, url, strict(fx).build())) {
                SQLException e = Assertions.catchThrowableOfType(SQLException.class, ds::getConnection);
                assertThat((Throwable) e).as("a session with a server no trusted CA signed").isNotNull();
                // pgjdbc: no certification path; MariaDB: "Self signed certificates" (no CA it trusts, no password to
                // prove the server by)
                assertThat(chain(e)).containsAnyOf("certification path", "Self signed certificates");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void sessionBelowTheMinimumVersionIsRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String url;
            CloakConfig.Builder policy = strict(fx);
            if (db == TestDatabase.POSTGRESQL) {
                // pgjdbc has no protocol setting: a factory of pgjdbc's own kind that offers only TLS 1.2, allowed
                url = TlsMaterial.verified(db) + "&sslfactory=" + Tls12OnlySocketFactory.class.getName();
                policy.allowDriverSetting("sslfactory");
            } else {
                url = TlsMaterial.verified(db) + "&enabledSslProtocolSuites=TLSv1.2";
            }
            try (CloakDataSource ds = cloak(db, url, policy.build())) {
                SQLException refused = Expect.sqlState("08004", ds::getConnection);
                assertThat(refused.getMessage()).contains("network.min-tls").contains("TLSv1.2");
            }
            // and with 1.2 as the minimum the same URL gets its TLS 1.2 session
            try (CloakDataSource ds = cloak(db, url, fx.configBuilder().requireTls(true).minTls(TlsVersion.TLS_1_2)
                    .allowDriverSetting("sslfactory").build()); Connection c = ds.getConnection()) {
                assertThat(serverSaysTls(db, c)).isEqualTo("TLSv1.2");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void missingClientCertificateIsRefused(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            CloakConfig mtls = strict(fx).requireClientCert(true).build();
            // the usual user logs in without a certificate: the server lets it, Cloak does not
            try (CloakDataSource ds = cloak(db, TlsMaterial.verified(db), mtls)) {
                SQLException refused = Expect.sqlState("08004", ds::getConnection);
                assertThat(refused.getMessage()).contains("network.require-client-cert").contains("no client cert");
            }
            // the user the server lets in only with a certificate, without one: the server refuses
            try (CloakDataSource ds = cloak(db, TlsMaterial.certificateUser(db, false), mtls)) {
                SQLException e = Assertions.catchThrowableOfType(SQLException.class, ds::getConnection);
                assertThat((Throwable) e).as("the server requires a client certificate of this user").isNotNull();
                assertThat(e.getSQLState()).isNotEqualTo("08004");
            }
            // with its certificate, given through the delegate URL: every check passes
            try (CloakDataSource ds = cloak(db, TlsMaterial.certificateUser(db, true), mtls);
                 Connection c = ds.getConnection()) {
                assertThat(serverSaysTls(db, c)).startsWith("TLSv1.3");
            }
        }
    }

    /** The protocol the server reports for the session. */
    private static String serverSaysTls(TestDatabase db, Connection c) throws SQLException {
        String sql = db == TestDatabase.POSTGRESQL
                ? "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
                : "SHOW SESSION STATUS LIKE 'Ssl_version'";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(rs.getMetaData().getColumnCount());
        }
    }

    private static String chain(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
