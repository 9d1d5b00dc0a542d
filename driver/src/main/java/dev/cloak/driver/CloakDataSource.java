package dev.cloak.driver;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PolicyFile;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.driver.internal.telemetry.Telemetry;
import dev.cloak.driver.network.DelegateSettings;
import dev.cloak.driver.network.NetworkCheck;
import dev.cloak.driver.network.TargetSettings;
import dev.cloak.rewriter.Dialect;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that encrypts the columns of its policy on top of any other data source (a
 * {@code HikariDataSource}, a Spring bean). Use {@code new CloakDataSource(target, config)}, or the
 * bean-style setters ({@link #setTargetDataSource}, {@link #setConfigLocation}) from Spring XML or properties.
 * The first connection compiles the policy, which does not change after that: for another policy, create another
 * data source.
 */
public class CloakDataSource implements DataSource, AutoCloseable {

    /** How a refusal names the principal this data source asserts. */
    private static final String PRINCIPAL_SETTER = "CloakDataSource.setPrincipal";

    private volatile DataSource target;
    private volatile CloakConfig config;
    private volatile String configLocation;
    /** Whether {@link #config} was read from {@link #configLocation} (or the default location), not given. */
    private boolean configLoaded;
    private volatile String principal;
    private volatile DataSource keyStoreDataSource;
    private volatile CompiledPolicy compiled;
    /** The target whose settings passed the network rules: read once, not on every borrow from a pool. */
    private volatile DataSource networkChecked;
    private KeyStoreConnections keyStoreConnections;
    private final CloakConnections connections = new CloakConnections();
    /** Counts for metrics across compiles of the policy; read by {@link CloakMetrics} and {@link CloakJmx}. */
    private final Telemetry telemetry = new Telemetry();

    /** For bean-style configuration: set the target and the policy before the first connection. */
    public CloakDataSource() {
    }

    public CloakDataSource(DataSource target, CloakConfig config) {
        this.target = target;
        this.config = config;
    }

    public DataSource getTargetDataSource() {
        return target;
    }

    public void setTargetDataSource(DataSource target) {
        this.target = target;
    }

    /**
     * The policy: the one connections are encrypted under once the first connection compiled it; before that, the one
     * given, or the one read from the configured location, or null when none was read yet.
     */
    public CloakConfig getConfig() {
        CompiledPolicy c = compiled;
        return c != null ? c.config() : config;
    }

    /**
     * Sets the policy; it takes precedence over {@link #setConfigLocation}. Only before the first connection compiles
     * it.
     *
     * @throws IllegalStateException once the policy is compiled, for another policy: create a new data source
     */
    public synchronized void setConfig(CloakConfig config) {
        if (config == this.config && !configLoaded) {
            return;
        }
        requireNotCompiled("setConfig");
        this.config = config;
        this.configLoaded = false;
        this.networkChecked = null;
    }

    /** The policy file: {@code file:PATH}, {@code classpath:PATH} or a path. */
    public String getConfigLocation() {
        return configLocation;
    }

    /**
     * Sets where the policy is read from, at the first connection. Only before the first connection compiles it.
     *
     * @throws IllegalStateException once the policy is compiled, for another location: create a new data source
     */
    public synchronized void setConfigLocation(String configLocation) {
        if (Objects.equals(configLocation, this.configLocation)) {
            return;
        }
        requireNotCompiled("setConfigLocation");
        this.configLocation = configLocation;
        if (configLoaded) {
            config = null; // read from the old location: the new one is read instead
            configLoaded = false;
        }
        this.networkChecked = null;
    }

    /** A compiled policy is what every connection encrypts under: changing it silently would send plaintext. */
    private void requireNotCompiled(String setter) {
        if (compiled != null) {
            throw new IllegalStateException("CloakDataSource." + setter + ": this data source compiled its policy "
                    + "at its first connection and keeps encrypting under it; create a new CloakDataSource for "
                    + "another policy");
        }
    }

    public String getPrincipal() {
        return principal;
    }

    /**
     * Names the principal of every connection (like {@code cloak.principal}), where the policy says
     * {@code access.principal: asserted}; elsewhere {@link #getConnection()} refuses it (28000). Default: the
     * database session's own user.
     */
    public void setPrincipal(String principal) {
        this.principal = principal;
    }

    public DataSource getKeyStoreDataSource() {
        return keyStoreDataSource;
    }

    /**
     * Where the {@code database} key store reads and writes wrapped keys. A key-cache miss needs a connection while
     * its caller holds one of the target's, so it must not wait on the target's pool: by default, beside a HikariCP
     * target Cloak opens a pool of the key store's own (at most two connections, closed with this data source); over
     * any other target it borrows from the target, and when none comes within {@code keyring.kms-timeout} the
     * statement fails with 58030 and this advice. Give a small separate data source here for any other pool. Before
     * a key is created, the check that its columns hold no value yet asks through it first too (it should reach the
     * target's database), then the target when it cannot tell.
     */
    public void setKeyStoreDataSource(DataSource keyStoreDataSource) {
        this.keyStoreDataSource = keyStoreDataSource;
    }

    @Override
    public Connection getConnection() throws SQLException {
        DataSource t = target();
        checkNetwork(t);
        Connection connection = t.getConnection();
        return connections.open(connection, compiled(t, connection), assertedPrincipal(), PRINCIPAL_SETTER);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        DataSource t = target();
        checkNetwork(t);
        Connection connection = t.getConnection(username, password);
        return connections.open(connection, compiled(t, connection), assertedPrincipal(), PRINCIPAL_SETTER);
    }

    private String assertedPrincipal() {
        String p = principal;
        return p == null || p.isEmpty() ? null : p;
    }

    private DataSource target() throws SQLException {
        DataSource t = target;
        if (t == null) {
            throw SqlErrors.of(SqlState.CONNECTION_NOT_OPENED,
                    "CloakDataSource has no target data source; set one before asking for a connection");
        }
        return t;
    }

    /** The compiled policy; the first connection tells the dialect. A failure closes that connection. */
    private CompiledPolicy compiled(DataSource t, Connection first) throws SQLException {
        CompiledPolicy c = compiled;
        if (c != null) {
            return c;
        }
        try {
            return compile(t, CompiledPolicy.dialectOf(first.getMetaData().getDatabaseProductName()));
        } catch (SQLException | RuntimeException e) {
            CloakConnections.closeAfter(first, e);
            throw e;
        }
    }

    /**
     * The network rules that hold before the target opens a connection ({@link NetworkCheck}), on the settings read
     * from it ({@link TargetSettings}) once per target; a target whose URL Cloak cannot read cannot be shown to
     * verify the server.
     */
    private void checkNetwork(DataSource t) throws SQLException {
        if (t != networkChecked) {
            requireNetworkRules(t);
            networkChecked = t;
        }
    }

    private void requireNetworkRules(DataSource t) throws SQLException {
        CloakConfig c = config();
        Optional<DelegateSettings> settings = TargetSettings.of(t);
        if (settings.isPresent()) {
            NetworkCheck.requireBeforeConnect(c, settings.get());
        } else if (c.verifyServer()) {
            throw SqlErrors.of(SqlState.SERVER_NOT_VERIFIED, "Cloak cannot read the JDBC URL of the target data"
                    + " source (" + t.getClass().getName() + ": no getJdbcUrl, getUrl or getURL), so it cannot check"
                    + " that it verifies the server's certificate and host name, and network.verify-server is true."
                    + " Use a data source with a readable URL (HikariCP, pgjdbc's, MariaDB's, H2's), or set"
                    + " network.verify-server: false in the policy.");
        }
    }

    /** The policy: the one given, or the one at the configured location (read once). */
    private synchronized CloakConfig config() throws SQLException {
        CloakConfig c = config;
        if (c == null) {
            String location = configLocation != null ? configLocation : PolicyLocation.find(Map.of(), null);
            c = PolicyFile.load(location);
            config = c;
            configLoaded = true;
        }
        return c;
    }

    private synchronized CompiledPolicy compile(DataSource t, Dialect dialect) throws SQLException {
        if (compiled == null) {
            CloakConfig c = config();
            if (keyStoreDataSource != null && keyStoreDataSource != t) {
                requireNetworkRules(keyStoreDataSource);
            }
            KeyStoreConnections keys = KeyStoreConnections.of(t, keyStoreDataSource, c);
            try {
                compiled = CompiledPolicy.compile(c, keys.keyStore(), keys.dataChecks(), dialect, telemetry);
            } catch (SQLException | RuntimeException e) {
                keys.close();
                throw e;
            }
            keyStoreConnections = keys;
        }
        return compiled;
    }

    /**
     * Checks now that this data source can encrypt: its policy compiles against the target (the first check opens a
     * connection if none was opened yet), the key store answers and the master key answers. Each call reads the key
     * store once and asks the KMS or HSM once, past the key cache: run it on a schedule, never once per request.
     * Never throws: failures are in the result.
     */
    public CloakHealth checkHealth() {
        return CloakHealth.check(this);
    }

    /** What this data source counts, for {@link CloakMetrics} and {@link CloakJmx}. */
    Telemetry telemetry() {
        return telemetry;
    }

    /** The compiled policy; if no connection compiled it yet, one is opened (and closed) to do so. */
    CompiledPolicy compiledPolicy() throws SQLException {
        CompiledPolicy c = compiled;
        if (c == null) {
            getConnection().close();
            c = compiled;
        }
        if (c == null) {
            throw SqlErrors.of(SqlState.CONNECTION_CLOSED, "CloakDataSource was closed while it was being checked");
        }
        return c;
    }

    /** Releases the key cache. Connections already handed out can no longer encrypt or decrypt. */
    @Override
    public synchronized void close() {
        if (compiled != null) {
            compiled.close();
            compiled = null;
        }
        if (keyStoreConnections != null) {
            keyStoreConnections.close();
            keyStoreConnections = null;
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("dev.cloak");
    }

    /** A connection builder would bypass the policy's principal handling: not offered. */
    @Override
    public java.sql.ConnectionBuilder createConnectionBuilder() throws SQLException {
        throw SqlErrors.notOffered("CloakDataSource does not offer a ConnectionBuilder; use getConnection");
    }

    /** Sharding keys only reach a connection through a connection builder, which is not offered either. */
    @Override
    public java.sql.ShardingKeyBuilder createShardingKeyBuilder() throws SQLException {
        throw SqlErrors.notOffered("CloakDataSource does not offer a ShardingKeyBuilder; use getConnection");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : target().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target().isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "CloakDataSource[" + (target == null ? null : target.getClass().getName()) + "]";
    }
}
