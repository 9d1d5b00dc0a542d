package dev.cloak.driver;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PolicyFile;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.driver.internal.telemetry.Telemetry;
import dev.cloak.driver.network.NetworkCheck;
import dev.cloak.keyring.store.ConnectionSource;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The JDBC driver for {@code jdbc:cloak:<rest>} URLs: it connects through the driver that accepts
 * {@code jdbc:<rest>} and encrypts the columns named in the policy file. Its own settings are the
 * {@link CloakSetting}s. Registered with {@link DriverManager} through {@code META-INF/services/java.sql.Driver}.
 */
public final class CloakDriver implements Driver {

    /** Connection property and URL parameter naming the policy file: {@link CloakSetting#CONFIG}. */
    public static final String CONFIG = CloakSetting.CONFIG.key();
    /**
     * Connection property and URL parameter naming the principal of the connection, where the policy says
     * {@code access.principal: asserted}: {@link CloakSetting#PRINCIPAL}.
     */
    public static final String PRINCIPAL = CloakSetting.PRINCIPAL.key();

    static {
        try {
            DriverManager.registerDriver(new CloakDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * What every policy this driver compiles counts, for {@link CloakMetrics#forDriver}: one set per JVM, as the
     * driver registers itself once with {@link DriverManager}.
     */
    static final Telemetry TELEMETRY = new Telemetry();

    /** Compiled policies by policy location, delegate URL and user: each has its key cache and plan cache. */
    private final Map<List<String>, CompiledPolicy> policies = new ConcurrentHashMap<>();
    private final CloakConnections connections = new CloakConnections();

    @Override
    public boolean acceptsURL(String url) {
        return CloakUrl.accepts(url);
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!CloakUrl.accepts(url)) {
            return null;
        }
        CloakUrl cloakUrl = CloakUrl.parse(url);
        checkSettingNames(cloakUrl.settings().keySet(), info);
        String delegateUrl = cloakUrl.delegateUrl();
        Properties delegateInfo = withoutCloakSettings(info);
        String location = PolicyLocation.find(cloakUrl.settings(), info);
        List<String> key = List.of(location, delegateUrl, String.valueOf(delegateInfo.getProperty("user")));
        CompiledPolicy known = policies.get(key);
        CloakConfig config = known != null ? known.config() : PolicyFile.load(location);
        // before any driver, even DriverManager's acceptsURL, reads the URL (pgjdbc's parses it, service= and all)
        NetworkCheck.requireBeforeConnect(config, delegateUrl, delegateInfo);
        Driver delegate = delegateDriver(delegateUrl);
        CompiledPolicy policy = known != null ? known : policy(key, config, delegateUrl, delegate, delegateInfo);
        Connection connection = delegate.connect(delegateUrl, delegateInfo);
        if (connection == null) {
            throw SqlErrors.of(SqlState.CONNECTION_NOT_OPENED, "The driver for " + scheme(delegateUrl)
                    + " did not accept the URL");
        }
        return connections.open(connection, policy, principal(cloakUrl.settings(), info), PRINCIPAL);
    }

    /** A misspelt Cloak setting (say {@code cloak.principle}) must not silently fall back to a default. */
    private static void checkSettingNames(Set<String> urlSettings, Properties info) throws SQLException {
        List<String> names = new ArrayList<>(urlSettings);
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                if (CloakSetting.isCloakName(name)) {
                    names.add(name);
                }
            }
        }
        for (String name : names) {
            if (CloakSetting.named(name) == null) {
                throw SqlErrors.of(SqlState.CONNECTION_NOT_OPENED, "Unknown Cloak setting " + name
                        + ": the settings are " + CloakSetting.names());
            }
        }
    }

    /** Compiles {@code config} for {@code key} (location, delegate URL, user), once: a racing compile is closed. */
    private CompiledPolicy policy(List<String> key, CloakConfig config, String delegateUrl, Driver delegate,
                                  Properties delegateInfo) throws SQLException {
        ConnectionSource keyStore = () -> delegate.connect(delegateUrl, delegateInfo);
        ConnectionSource own = config.requireTls() ? TlsRequirement.checking(keyStore, config) : keyStore;
        // the key store and the key-creation check both open connections of their own to the target
        CompiledPolicy compiled = CompiledPolicy.compile(config, own, List.of(own),
                CompiledPolicy.dialectOf(scheme(delegateUrl)), TELEMETRY);
        CompiledPolicy raced = policies.putIfAbsent(key, compiled);
        if (raced != null) {
            compiled.close();
            return raced;
        }
        return compiled;
    }

    private static Driver delegateDriver(String delegateUrl) throws SQLException {
        Driver delegate;
        try {
            delegate = DriverManager.getDriver(delegateUrl);
        } catch (SQLException e) {
            throw SqlErrors.of(SqlState.CONNECTION_NOT_OPENED, "No JDBC driver on the classpath accepts "
                    + scheme(delegateUrl) + " URLs; add the database's driver next to Cloak", e);
        }
        if (delegate instanceof CloakDriver) {
            throw SqlErrors.of(SqlState.CONNECTION_NOT_OPENED,
                    "jdbc:cloak: must be followed by another driver's URL, not by cloak: again");
        }
        return delegate;
    }

    /** {@code jdbc:postgresql} of a URL: enough to name the driver without the host, user or password. */
    private static String scheme(String url) {
        int second = url.indexOf(':', "jdbc:".length());
        return second < 0 ? url : url.substring(0, second);
    }

    private static Properties withoutCloakSettings(Properties info) {
        Properties copy = new Properties();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                if (!CloakSetting.isCloakName(name)) {
                    copy.setProperty(name, info.getProperty(name));
                }
            }
        }
        return copy;
    }

    private static String principal(Map<String, String> urlSettings, Properties info) {
        String principal = urlSettings.get(PRINCIPAL);
        if ((principal == null || principal.isEmpty()) && info != null) {
            principal = info.getProperty(PRINCIPAL);
        }
        return principal == null || principal.isEmpty() ? null : principal;
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        List<DriverPropertyInfo> properties = new ArrayList<>();
        for (CloakSetting setting : CloakSetting.values()) {
            properties.add(setting.propertyInfo(info));
        }
        if (acceptsURL(url)) {
            String delegateUrl = CloakUrl.parse(url).delegateUrl();
            properties.addAll(Arrays.asList(
                    delegateDriver(delegateUrl).getPropertyInfo(delegateUrl, withoutCloakSettings(info))));
        }
        return properties.toArray(new DriverPropertyInfo[0]);
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** Cloak is not a JDBC-compliant driver by itself: it rejects SQL it cannot prove safe on encrypted columns. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("dev.cloak");
    }
}
