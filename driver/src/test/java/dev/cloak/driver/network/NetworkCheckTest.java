package dev.cloak.driver.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PolicyException;
import dev.cloak.driver.config.PolicyFile;
import dev.cloak.driver.config.TlsVersion;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The policy's network settings and the rules checked on a delegate URL before any driver sees it. */
class NetworkCheckTest {

    private static final String HEAD = "version: 1\nkeyring:\n  master-key: \"local:file:/tmp/m.json\"\n";

    private static CloakConfig policy(String network) throws PolicyException {
        return PolicyFile.parse(HEAD + "network:\n" + network, "cloak.yaml");
    }

    private static List<NetworkFinding> findings(CloakConfig config, String url) {
        return NetworkCheck.beforeConnect(config, DelegateSettings.of(url, new Properties()));
    }

    @Test
    void verifyServerFollowsRequireTlsUnlessSet() throws Exception {
        assertThat(policy("  require-tls: true\n").verifyServer()).isTrue();
        assertThat(policy("  require-tls: false\n").verifyServer()).isFalse();
        assertThat(policy("  require-tls: true\n  verify-server: false\n").verifyServer()).isFalse();
        assertThat(CloakConfig.builder().masterKey("local:file:/tmp/m.json").build().verifyServer()).isTrue();
    }

    @Test
    void networkSettingsAreRead() throws Exception {
        CloakConfig c = policy("  min-tls: \"1.3\"\n  require-client-cert: true\n"
                + "  allow-driver-settings: [socketFactory, INIT]\n");
        assertThat(c.minTls()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(c.requireClientCert()).isTrue();
        assertThat(c.allowedDriverSettings()).containsExactlyInAnyOrder("socketfactory", "init");
    }

    @Test
    void settingsThatNeedTlsAreRefusedWithoutIt() {
        assertThatThrownBy(() -> policy("  require-tls: false\n  verify-server: true\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("network.verify-server");
        assertThatThrownBy(() -> policy("  require-tls: false\n  min-tls: \"1.2\"\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("network.min-tls");
        assertThatThrownBy(() -> policy("  require-tls: false\n  require-client-cert: true\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("network.require-client-cert");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.0", "TLSv1.3", "1.4", "1"})
    void minTlsIsOneTwoOrOneThree(String version) {
        assertThatThrownBy(() -> policy("  min-tls: \"" + version + "\"\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("network.min-tls")
                .hasMessageContaining("\"1.2\" or \"1.3\"");
    }

    @Test
    void allowDriverSettingsIsAList() {
        assertThatThrownBy(() -> policy("  allow-driver-settings: socketFactory\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("network.allow-driver-settings");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://db.example.com/app",
            "jdbc:postgresql://db.example.com/app?sslmode=require",
            "jdbc:postgresql://db.example.com/app?sslmode=verify-ca",
            "jdbc:postgresql://db.example.com/app?sslmode=verify-full&sslmode=require",
            "jdbc:postgresql://db.example.com/app?ssl=true",
            "jdbc:mariadb://db.example.com/app",
            "jdbc:mariadb://db.example.com/app?sslMode=trust",
            "jdbc:mariadb://db.example.com/app?sslMode=verify-ca",
            "jdbc:mariadb://db.example.com/app?sslMode=verify-full&trustServerCertificate=true",
            "jdbc:mariadb://db.example.com/app?sslMode=verify-full&disableSslHostnameVerification",
            "jdbc:h2:tcp://127.0.0.1:9092/mem:x",
            "jdbc:h2:ssl://127.0.0.1:9092/mem:x",
            "jdbc:sqlserver://db.example.com;encrypt=true"})
    void urlThatDoesNotVerifyTheServerIsRefused(String url) throws Exception {
        List<NetworkFinding> found = findings(policy("  require-tls: true\n"), url);
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.setting()).isEqualTo("network.verify-server");
            assertThat(f.state().code()).isEqualTo("08004");
            assertThat(f.problem()).contains("network.verify-server: false");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://db.example.com/app?sslmode=verify-full",
            "jdbc:postgresql://db.example.com/app?sslmode=verify-full&sslrootcert=/etc/ca.pem&sslcert=/c&sslkey=/k",
            "jdbc:mariadb://db.example.com/app?sslMode=verify-full&serverSslCert=/etc/ca.pem",
            "jdbc:mariadb://db.example.com/app?sslMode=VERIFY_IDENTITY",
            "jdbc:h2:mem:x",
            "jdbc:h2:./data/app"})
    void urlThatVerifiesTheServerPasses(String url) throws Exception {
        assertThat(findings(policy("  require-tls: true\n"), url)).isEmpty();
    }

    @Test
    void verifyFullInConnectionPropertiesCounts() throws Exception {
        Properties info = new Properties();
        info.setProperty("sslmode", "verify-full");
        NetworkCheck.requireBeforeConnect(policy("  require-tls: true\n"), "jdbc:postgresql://h/app", info);
        info.setProperty("sslmode", "require");
        assertThatThrownBy(() -> NetworkCheck.requireBeforeConnect(policy("  require-tls: true\n"),
                "jdbc:postgresql://h/app", info)).isInstanceOf(SQLException.class)
                .hasMessageContaining("sslmode=verify-full")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08004"));
    }

    @Test
    void mariadbProtocolListBelowTheMinimumIsRefused() throws Exception {
        CloakConfig c = policy("  min-tls: \"1.3\"\n");
        String url = "jdbc:mariadb://h/app?sslMode=verify-full&enabledSslProtocolSuites=TLSv1.2,TLSv1.3";
        assertThat(findings(c, url)).singleElement().satisfies(f -> {
            assertThat(f.setting()).isEqualTo("network.min-tls");
            assertThat(f.problem()).contains("TLSv1.2");
        });
        assertThat(findings(c, "jdbc:mariadb://h/app?sslMode=verify-full&enabledSslProtocolSuites=TLSv1.3"))
                .isEmpty();
    }

    @Test
    void reportedVersionsCompareWithTheMinimum() {
        assertThat(TlsVersion.TLS_1_3.compareReported("TLSv1.2")).contains(-1);
        assertThat(TlsVersion.TLS_1_3.compareReported("TLSv1.3")).contains(0);
        assertThat(TlsVersion.TLS_1_2.compareReported("TLSv1.3")).contains(1);
        assertThat(TlsVersion.TLS_1_2.compareReported("TLSv1")).contains(-1);
        assertThat(TlsVersion.TLS_1_2.compareReported("SSLv3")).contains(-1);
        assertThat(TlsVersion.TLS_1_2.compareReported(null)).isEmpty();
        assertThat(TlsVersion.TLS_1_2.compareReported("QUIC")).isEmpty();
    }

    @Test
    void refusedSettingAndUnverifiedServerAreBothReported() throws Exception {
        List<NetworkFinding> found = findings(policy("  require-tls: true\n"),
                "jdbc:postgresql://h/app?socketFactory=a.B");
        assertThat(found).extracting(NetworkFinding::setting)
                .containsExactly("network.allow-driver-settings", "network.verify-server");
    }
}
