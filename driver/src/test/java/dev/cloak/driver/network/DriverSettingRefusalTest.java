package dev.cloak.driver.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.driver.CloakDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.assertj.core.api.AbstractThrowableAssert;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * No code through the URL: every delegate setting that makes a driver load a class, run a script or read local files
 * is refused (08001, naming the setting and network.allow-driver-settings) before the delegate driver sees the URL,
 * shown by the class it names never being loaded ({@link Probes}), the script never having run, the file never
 * written. The controls show the same URLs do load the class or run the script once the policy allows the setting,
 * so the probes would see a load. No server is needed: each URL points at a closed port or an embedded database.
 */
class DriverSettingRefusalTest {

    /** A port nothing listens on: a driver that got this far would fail to connect, after loading the class. */
    private static final String PG = "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1";
    private static final String MARIADB = "jdbc:mariadb://127.0.0.1:1/none?connectTimeout=1000";

    @TempDir
    Path dir;

    private Path policy;

    @BeforeEach
    void writePolicy() throws Exception {
        policy = policy("");
    }

    private Path policy(String allow) throws Exception {
        Path file = dir.resolve("cloak-" + UUID.randomUUID() + ".yaml");
        Files.writeString(file, String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "network:",
                "  require-tls: false",
                allow.isEmpty() ? "" : "  allow-driver-settings: [" + allow + "]",
                ""));
        return file;
    }

    private static Connection connect(String delegateUrl, Path policy, Properties extra) throws SQLException {
        Properties info = new Properties();
        info.setProperty("cloak.config", "file:" + policy);
        if (extra != null) {
            info.putAll(extra);
        }
        return DriverManager.getConnection("jdbc:cloak:" + delegateUrl.substring("jdbc:".length()), info);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refused(String delegateUrl, String setting) {
        return refused(delegateUrl, null, setting);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refused(String delegateUrl, Properties info,
                                                                    String setting) {
        return assertThatThrownBy(() -> connect(delegateUrl, policy, info).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("delegate setting " + setting + " ")
                .hasMessageContaining("network.allow-driver-settings")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
    }

    @ParameterizedTest(name = "pgjdbc {0}")
    @CsvSource({
            "socketFactory, PgSocketFactory",
            "sslfactory, PgSslFactory",
            "sslhostnameverifier, PgHostnameVerifier",
            "sslpasswordcallback, PgPasswordCallback",
            "authenticationPluginClassName, PgAuthPlugin",
            "xmlFactoryFactory, PgXmlFactory"})
    void pgjdbcClassSettingIsRefusedAndTheClassNeverLoaded(String setting, String probe) {
        refused(PG + "&" + setting + "=" + Probes.name(probe), setting);
        assertThat(Probes.LOADED).doesNotContain(probe);
    }

    @Test
    void pgjdbcSocketFactoryIsLoadedOnceAllowedSoTheProbeWouldSeeIt() throws Exception {
        Path allowing = policy("socketFactory");
        assertThatThrownBy(() -> connect(PG + "&socketFactory=" + Probes.name("PgSocketFactoryControl"), allowing,
                null)).isInstanceOf(SQLException.class);
        assertThat(Probes.LOADED).contains("PgSocketFactoryControl");
    }

    @ParameterizedTest(name = "pgjdbc {0}, with {1} allowed")
    @CsvSource({"socketFactoryArg, socketFactory", "sslfactoryarg, sslfactory"})
    void pgjdbcArgumentOfAnAllowedFactoryIsRefusedAndTheFactoryNeverLoaded(String setting, String factory)
            throws Exception {
        policy = policy(factory);
        refused(PG + "&" + factory + "=" + Probes.name("PgSocketFactory") + "&" + setting + "=x", setting);
        assertThat(Probes.LOADED).doesNotContain("PgSocketFactory");
    }

    @Test
    void pgjdbcLoggerFileIsRefusedAndNeverWritten() {
        Path log = dir.resolve("pgjdbc.log");
        refused(PG + "&loggerLevel=DEBUG&loggerFile=" + log, "loggerFile");
        assertThat(log).doesNotExist();
    }

    @Test
    void pgjdbcServiceFileIsRefused() {
        refused(PG + "&service=elsewhere", "service");
    }

    @Test
    void settingInConnectionPropertiesIsRefusedAsInTheUrl() {
        Properties info = new Properties();
        info.setProperty("socketFactory", Probes.name("PgViaProperties"));
        refused(PG, info, "socketFactory");
        assertThat(Probes.LOADED).doesNotContain("PgViaProperties");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SOCKETFACTORY", "SocketFactory", "socket%46actory"})
    void settingNamesMatchInAnyCaseAndUrlEncoded(String written) {
        assertThatThrownBy(() -> connect(PG + "&" + written + "=" + Probes.name("PgSocketFactory"), policy, null))
                .isInstanceOf(SQLException.class).hasMessageContaining("network.allow-driver-settings")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
        assertThat(Probes.LOADED).doesNotContain("PgSocketFactory");
    }

    @Test
    void dataSourceTargetWithARefusedSettingIsRefusedBeforeItConnects() throws Exception {
        PGSimpleDataSource target = new PGSimpleDataSource();
        target.setServerNames(new String[] {"127.0.0.1"});
        target.setPortNumbers(new int[] {1});
        target.setDatabaseName("none");
        target.setSocketFactory(Probes.name("PgViaDataSource"));
        CloakDataSource cloak = new CloakDataSource();
        cloak.setTargetDataSource(target);
        cloak.setConfigLocation("file:" + policy);
        assertThatThrownBy(cloak::getConnection).isInstanceOf(SQLException.class)
                .hasMessageContaining("socketFactory").hasMessageContaining("network.allow-driver-settings");
        assertThat(Probes.LOADED).doesNotContain("PgViaDataSource");
        cloak.close();
    }

    @ParameterizedTest(name = "MariaDB {0}")
    @CsvSource({
            "socketFactory, dev.cloak.driver.network.Probes$MariaDbSocketFactory",
            "tlsSocketType, DEFAULT",
            "credentialType, ENV",
            "allowLocalInfile, true",
            "allowLoadLocalInfile, true",
            "allowUrlInLocalInfile, true",
            "autoDeserialize, true",
            "initSql, CREATE TABLE x (i INT)",
            "sessionVariables, sql_mode=ANSI_QUOTES"})
    void mariadbSettingIsRefused(String setting, String value) {
        refused(MARIADB + "&" + setting + "=" + value.replace(" ", "%20"), setting);
        assertThat(Probes.LOADED).doesNotContain("MariaDbSocketFactory");
    }

    @Test
    void mariadbSafeValuesOfItsFileSettingsPass() throws Exception {
        // false keeps LOAD DATA LOCAL off: not refused; the connection then fails only for the closed port
        assertThatThrownBy(() -> connect(MARIADB + "&allowLocalInfile=false&autoDeserialize=false", policy, null))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isNotEqualTo("08001"));
    }

    @Test
    void mariadbSocketFactoryIsLoadedOnceAllowedSoTheProbeWouldSeeIt() throws Exception {
        Path allowing = policy("socketFactory");
        assertThatThrownBy(() -> connect(MARIADB + "&socketFactory=" + Probes.name("MariaDbSocketFactoryControl"),
                allowing, null)).isInstanceOf(SQLException.class);
        assertThat(Probes.LOADED).contains("MariaDbSocketFactoryControl");
    }

    @Test
    void mysqlUrlIsHeldToConnectorJsInterceptorsToo() {
        refused("jdbc:mysql://127.0.0.1:1/none?queryInterceptors=" + Probes.name("MySqlInterceptor"),
                "queryInterceptors");
        assertThat(Probes.LOADED).doesNotContain("MySqlInterceptor");
    }

    @Test
    void h2InitIsRefusedAndItsScriptNeverRuns() throws Exception {
        String db = "jdbc:h2:mem:init" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection keepOpen = DriverManager.getConnection(db)) {
            refused(db + ";INIT=CREATE TABLE injected (i INT)", "INIT");
            assertThat(tables(keepOpen)).doesNotContain("INJECTED");
        }
    }

    @Test
    void h2InitRunsOnceAllowedSoTheCheckWouldSeeIt() throws Exception {
        String db = "jdbc:h2:mem:init" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection keepOpen = DriverManager.getConnection(db)) {
            connect(db + ";INIT=CREATE TABLE injected (i INT)", policy("INIT"), null).close();
            assertThat(tables(keepOpen)).contains("INJECTED");
        }
    }

    @Test
    void h2RunscriptInInitIsRefusedInAnyCase() throws Exception {
        Path script = dir.resolve("script.sql");
        Files.writeString(script, "CREATE TABLE from_script (i INT);");
        String db = "jdbc:h2:mem:init" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection keepOpen = DriverManager.getConnection(db)) {
            refused(db + ";init=RUNSCRIPT FROM '" + script + "'", "init");
            assertThat(tables(keepOpen)).doesNotContain("FROM_SCRIPT");
        }
    }

    @ParameterizedTest(name = "H2 {0}")
    @CsvSource({"JAVA_OBJECT_SERIALIZER, H2Serializer", "DATABASE_EVENT_LISTENER, H2EventListener",
            "DEFAULT_TABLE_ENGINE, H2TableEngine"})
    void h2ClassSettingIsRefusedAndTheClassNeverLoaded(String setting, String probe) {
        refused("jdbc:h2:mem:c" + UUID.randomUUID() + ";" + setting + "='" + Probes.name(probe) + "'", setting);
        assertThat(Probes.LOADED).doesNotContain(probe);
    }

    @Test
    void h2EventListenerIsLoadedOnceAllowedSoTheProbeWouldSeeIt() throws Exception {
        Path allowing = policy("DATABASE_EVENT_LISTENER");
        try {
            connect("jdbc:h2:mem:c" + UUID.randomUUID() + ";DATABASE_EVENT_LISTENER='"
                    + Probes.name("H2EventListenerControl") + "'", allowing, null).close();
        } catch (SQLException notAListener) {
            // H2 refuses the class once it has loaded it: what counts is that it loaded it
        }
        assertThat(Probes.LOADED).contains("H2EventListenerControl");
    }

    @Test
    void h2AuthenticatorIsRefused() {
        refused("jdbc:h2:mem:c" + UUID.randomUUID() + ";AUTHENTICATOR=TRUE", "AUTHENTICATOR");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdbc:h2:tcp://db.example.com/~/test", "jdbc:h2:ssl://10.0.0.7:9092/test",
            "jdbc:h2:tcp://127.0.0.1:1,db.example.com:9092/test"})
    void h2OverTheNetworkToAnotherHostIsRefused(String url) {
        refused(url, "h2:tcp");
    }

    @Test
    void h2OverTheNetworkToLoopbackIsNotADriverSetting() {
        DelegateSettings loopback = DelegateSettings.of("jdbc:h2:tcp://127.0.0.1:9092/mem:x", null);
        assertThat(DriverSettingRules.refusals(loopback, java.util.Set.of())).isEmpty();
    }

    @Test
    void unknownDriverSettingsThatLookLikeCodeAreRefused() {
        DelegateSettings settings = DelegateSettings.of(
                "jdbc:sqlserver://db;trustStore=x?socketFactoryClass=a.B&applicationName=app", null);
        assertThat(DriverSettingRules.refusals(settings, java.util.Set.of()))
                .extracting(DriverSettingRules.Refusal::setting).containsExactly("socketFactoryClass");
    }

    @Test
    void pgjdbcDataSourceUrlWithItsSpelledOutDefaultsPasses() {
        org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
        pg.setURL("jdbc:postgresql://127.0.0.1:1/none");
        // lists sslfactory=org.postgresql.ssl.LibPQFactory, xmlFactoryFactory= and every other default
        DelegateSettings settings = TargetSettings.of(pg).orElseThrow();
        assertThat(settings.values("sslfactory")).isNotEmpty();
        assertThat(DriverSettingRules.refusals(settings, java.util.Set.of())).isEmpty();
    }

    @Test
    void pgjdbcNonValidatingSslFactoryIsRefused() {
        DelegateSettings settings = DelegateSettings.of(PG + "&sslfactory=org.postgresql.ssl.NonValidatingFactory",
                null);
        assertThat(DriverSettingRules.refusals(settings, java.util.Set.of()))
                .extracting(DriverSettingRules.Refusal::setting).containsExactly("sslfactory");
    }

    @Test
    void keyMaterialFilesAreAllowedForMutualTls() {
        DelegateSettings settings = DelegateSettings.of(PG + "&sslmode=verify-full&sslcert=/c.pem&sslkey=/k.pk8"
                + "&sslrootcert=/ca.pem&sslpassword=p", null);
        assertThat(DriverSettingRules.refusals(settings, java.util.Set.of())).isEmpty();
    }

    @Test
    void everyRefusedSettingIsNamedInOneFinding() {
        DelegateSettings settings = DelegateSettings.of(PG + "&socketFactory=a&loggerFile=b", null);
        assertThat(DriverSettingRules.refusals(settings, java.util.Set.of()))
                .extracting(DriverSettingRules.Refusal::setting).isEqualTo(List.of("socketFactory", "loggerFile"));
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> names = new java.util.ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", null, null)) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    @Test
    void h2DataSourceTargetWithInitIsRefused() throws Exception {
        String db = "jdbc:h2:mem:init" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection keepOpen = DriverManager.getConnection(db)) {
            JdbcDataSource target = new JdbcDataSource();
            target.setURL(db + ";INIT=CREATE TABLE injected (i INT)");
            CloakDataSource cloak = new CloakDataSource();
            cloak.setTargetDataSource(target);
            cloak.setConfigLocation("file:" + policy);
            assertThatThrownBy(cloak::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("INIT");
            assertThat(tables(keepOpen)).doesNotContain("INJECTED");
            cloak.close();
        }
    }
}
