package dev.cloak.flyway;

import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.callback.CallbackExecutor;
import org.flywaydb.core.internal.database.DatabaseExecutionStrategy;
import org.flywaydb.core.internal.database.DatabaseType;
import org.flywaydb.core.internal.database.base.BaseDatabaseType;
import org.flywaydb.core.internal.database.base.Database;
import org.flywaydb.core.internal.jdbc.ExecutionTemplate;
import org.flywaydb.core.internal.jdbc.JdbcConnectionFactory;
import org.flywaydb.core.internal.jdbc.StatementInterceptor;
import org.flywaydb.core.internal.parser.Parser;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.flywaydb.core.internal.sqlscript.SqlScriptExecutorFactory;
import org.flywaydb.core.internal.sqlscript.SqlScriptFactory;

/**
 * A Flyway database type for {@code jdbc:cloak:<scheme>:} URLs: Flyway picks its database support by the URL's
 * prefix, as it does for P6Spy's {@code jdbc:p6spy:} URLs, so a Cloak URL needs a type that claims it and names
 * Cloak's driver. Everything else is the database's own Flyway type ({@code flyway-database-postgresql},
 * {@code flyway-mysql}, H2's in {@code flyway-core}), to which this one delegates; without it on the classpath
 * this type stays off.
 *
 * <p>Only the URL is claimed here. Once connected, Flyway chooses the type from the connection's product name,
 * which Cloak reports as the database's own, so the database's own type runs the migrations through Cloak's
 * connection, as it does when Flyway is given a {@code CloakDataSource}.
 */
public abstract class CloakDatabaseType extends BaseDatabaseType {

    /** Cloak's JDBC driver, which Flyway loads for a {@code jdbc:cloak:} URL. */
    public static final String CLOAK_DRIVER = "dev.cloak.driver.CloakDriver";

    private static final String CLOAK_PREFIX = "jdbc:cloak:";

    private final String scheme;
    private final String databaseTypeClass;
    private volatile DatabaseType database;

    /**
     * @param scheme the delegate URL's scheme after {@code jdbc:cloak:}, e.g. {@code postgresql}
     * @param databaseTypeClass the database's own Flyway type, e.g.
     *        {@code org.flywaydb.database.postgresql.PostgreSQLDatabaseType}
     */
    protected CloakDatabaseType(String scheme, String databaseTypeClass) {
        this.scheme = scheme;
        this.databaseTypeClass = databaseTypeClass;
    }

    /** The database's own Flyway type, or null when its plugin is not on the classpath. */
    private DatabaseType databaseOrNull() {
        DatabaseType known = database;
        if (known == null) {
            try {
                Class<?> type = Class.forName(databaseTypeClass, true, CloakDatabaseType.class.getClassLoader());
                known = (DatabaseType) type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError absent) {
                return null;
            }
            database = known;
        }
        return known;
    }

    private DatabaseType database() {
        DatabaseType known = databaseOrNull();
        if (known == null) {
            throw new IllegalStateException("Flyway's plugin " + databaseTypeClass + " is not on the classpath");
        }
        return known;
    }

    /** The URL the database's own driver gets: Cloak's prefix removed, as Cloak's driver removes it. */
    static String delegateUrl(String url) {
        return url != null && url.regionMatches(true, 0, CLOAK_PREFIX, 0, CLOAK_PREFIX.length())
                ? "jdbc:" + url.substring(CLOAK_PREFIX.length()) : url;
    }

    /** On only where the database's own Flyway type is on the classpath. */
    @Override
    public boolean isEnabled() {
        return databaseOrNull() != null;
    }

    @Override
    public String getName() {
        return database().getName();
    }

    @Override
    public List<String> getSupportedEngines() {
        return database().getSupportedEngines();
    }

    @Override
    public int getNullType() {
        return database().getNullType();
    }

    @Override
    public boolean supportsReadOnlyTransactions() {
        return database().supportsReadOnlyTransactions();
    }

    /** {@code jdbc:cloak:<scheme>:…}, in any case, as Cloak's driver accepts it. */
    @Override
    public boolean handlesJDBCUrl(String url) {
        String prefix = CLOAK_PREFIX + scheme + ":";
        return url != null && url.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    @Override
    public List<Pattern> getJDBCCredentialsPatterns() {
        return database().getJDBCCredentialsPatterns();
    }

    @Override
    public String getDriverClass(String url, ClassLoader classLoader) {
        return CLOAK_DRIVER;
    }

    /** None: a {@code jdbc:cloak:} URL is Cloak's driver's, or no driver's. */
    @Override
    public String getBackupDriverClass(String url, ClassLoader classLoader) {
        return null;
    }

    /**
     * Never: a connection is recognised by its product name, which Cloak reports as the database's own, and the
     * database's own type handles it.
     */
    @Override
    public boolean handlesDatabaseProductNameAndVersion(String productName, String version, Connection connection) {
        return false;
    }

    @Override
    public Database createDatabase(Configuration configuration, JdbcConnectionFactory connectionFactory,
            StatementInterceptor interceptor) {
        return database().createDatabase(configuration, connectionFactory, interceptor);
    }

    @Override
    public Parser createParser(Configuration configuration, ResourceProvider resources, ParsingContext context) {
        return database().createParser(configuration, resources, context);
    }

    @Override
    public SqlScriptFactory createSqlScriptFactory(Configuration configuration, ParsingContext context) {
        return database().createSqlScriptFactory(configuration, context);
    }

    @Override
    public SqlScriptExecutorFactory createSqlScriptExecutorFactory(JdbcConnectionFactory connectionFactory,
            CallbackExecutor<Event> callbacks, StatementInterceptor interceptor) {
        return database().createSqlScriptExecutorFactory(connectionFactory, callbacks, interceptor);
    }

    @Override
    public DatabaseExecutionStrategy createExecutionStrategy(Connection connection) {
        return database().createExecutionStrategy(connection);
    }

    @Override
    public ExecutionTemplate createTransactionalExecutionTemplate(Connection connection, boolean rollbackOnException) {
        return database().createTransactionalExecutionTemplate(connection, rollbackOnException);
    }

    /** The database's own connection properties (its driver receives them through Cloak's). */
    @Override
    public void setDefaultConnectionProps(String url, Properties props, ClassLoader classLoader) {
        database().setDefaultConnectionProps(delegateUrl(url), props, classLoader);
    }

    @Override
    public void setConfigConnectionProps(Configuration config, Properties props, ClassLoader classLoader) {
        database().setConfigConnectionProps(config, props, classLoader);
    }

    @Override
    public void setOverridingConnectionProps(Map<String, String> props) {
        database().setOverridingConnectionProps(props);
    }

    @Override
    public boolean detectUserRequiredByUrl(String url) {
        return database().detectUserRequiredByUrl(delegateUrl(url));
    }

    @Override
    public boolean detectPasswordRequiredByUrl(String url) {
        return database().detectPasswordRequiredByUrl(delegateUrl(url));
    }

    @Override
    public boolean externalAuthPropertiesRequired(String url, String user, String password) {
        return database().externalAuthPropertiesRequired(delegateUrl(url), user, password);
    }

    @Override
    public Properties getExternalAuthProperties(Configuration config, String user, String password) {
        return database().getExternalAuthProperties(config, user, password);
    }

    @Override
    public Connection alterConnectionAsNeeded(Connection connection, Configuration configuration) {
        return database().alterConnectionAsNeeded(connection, configuration);
    }

    @Override
    public String instantiateClassExtendedErrorMessage() {
        return "A jdbc:cloak:" + scheme + ": URL needs Cloak's driver (dev.cloak:cloak-driver) and the "
                + scheme.toLowerCase(Locale.ROOT) + " JDBC driver on the classpath";
    }
}
