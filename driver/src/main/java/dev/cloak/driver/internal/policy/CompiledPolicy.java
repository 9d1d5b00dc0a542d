package dev.cloak.driver.internal.policy;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.codec.CellKeys;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.driver.internal.migration.ColumnMigrations;
import dev.cloak.driver.internal.telemetry.Telemetry;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KeyringSettings;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditException;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.audit.FileAuditTrail;
import dev.cloak.keyring.store.ConnectionSource;
import dev.cloak.keyring.store.DatabaseKeyStore;
import dev.cloak.keyring.store.FileGenerationLedger;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import dev.cloak.keyring.store.KeyStore;
import dev.cloak.rewriter.Catalog;
import dev.cloak.rewriter.Dialect;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.EncryptedSchema;
import dev.cloak.rewriter.ImpliedColumns;
import dev.cloak.rewriter.SqlRewriter;
import dev.cloak.rewriter.StatementPlan;
import dev.cloak.rewriter.UnsupportedStatementException;
import dev.cloak.rewriter.lexer.DynamicSql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CloakConfig} made ready to run: the rewriter with its plan cache, the keyring with its key cache, one
 * {@link CellCodec} per encrypted column, the {@link AccessPolicy} and the {@link ServerText}. One per data
 * source (or per policy file and database for the driver); shared by all its connections and thread-safe.
 */
public final class CompiledPolicy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompiledPolicy.class);

    private final CloakConfig config;
    private final List<EncryptedColumn> columns;
    /** Every column of the policy, whichever holds plaintext now: what a statement may name. */
    private final EncryptedSchema everyColumn;
    private final ColumnMigrations migrations;
    /** The rewriter of the columns that hold cells now: all of the policy's but those a migration has as plaintext. */
    private volatile Planner planner;
    private final Keyring keyring;
    private final ColumnCodecs codecs;
    private final AccessPolicy access;
    private final ServerText serverText;
    private final CatalogColumns catalogColumns;
    private final Dialect dialect;
    private final Telemetry telemetry;
    /** The columns whose keys a DDL of their table has tried to make ahead ({@link #prepareKeys}). */
    private final Set<EncryptedColumn> keysTriedAhead = ConcurrentHashMap.newKeySet();
    /** What {@link #telemetry} reads of this policy (plan cache, key ages) until it closes. */
    private Telemetry.PolicyView view;

    private CompiledPolicy(CloakConfig config, List<EncryptedColumn> columns, ColumnMigrations migrations,
                           Keyring keyring, ColumnCodecs codecs, Dialect dialect, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.config = config;
        this.columns = columns;
        this.everyColumn = EncryptedSchema.of(columns);
        this.migrations = migrations;
        this.planner = new Planner(Set.of(), RewriterColumns.rewriter(columns, config.statementCacheSize(), dialect,
                config.cacheTtl()));
        this.keyring = keyring;
        this.codecs = codecs;
        this.access = new AccessPolicy(config, keyring.auditTrail(), codecs, telemetry);
        this.serverText = new ServerText(codecs, dialect);
        this.catalogColumns = new CatalogColumns(config.cacheTtl());
        this.dialect = dialect;
    }

    /**
     * @param keyStoreConnections opens a separate connection to the database of the {@code database} key store,
     *     used outside the application's transactions
     * @param dataConnections open separate raw connections, asked in order before a key is created whether its
     *     columns hold a value yet (see {@link DatabaseDomainUsage}); the last reaches the application's database.
     *     The first one also reads table {@code cloak_migrations} (see {@link ColumnMigrations})
     * @param dialect the target database's SQL dialect (DDL types, binary literals), or null when unknown
     */
    public static CompiledPolicy compile(CloakConfig config, ConnectionSource keyStoreConnections,
                                         List<ConnectionSource> dataConnections, Dialect dialect)
            throws SQLException {
        return compile(config, keyStoreConnections, dataConnections, dialect, new Telemetry());
    }

    /** As {@link #compile(CloakConfig, ConnectionSource, List, Dialect)}, counting on {@code telemetry}. */
    public static CompiledPolicy compile(CloakConfig config, ConnectionSource keyStoreConnections,
                                         List<ConnectionSource> dataConnections, Dialect dialect,
                                         Telemetry telemetry) throws SQLException {
        if (!config.requireTls()) {
            LOG.warn("Cloak policy {} sets network.require-tls: false; values may cross the network unencrypted by"
                    + " TLS", config.source());
        }
        AuditTrail audit = auditTrail(config);
        Keyring keyring;
        try {
            keyring = Keyring.open(new KeyringSettings(config.masterKey(), config.cacheTtl(),
                    config.cacheMaxEntries(), config.autoCreateKeys(), config.kmsTimeout()),
                    keyStore(config, keyStoreConnections), audit,
                    new DatabaseDomainUsage(config.columns(), dataConnections.toArray(ConnectionSource[]::new)),
                    ledger(config), telemetry.keyring());
        } catch (KeyringException e) {
            throw SqlErrors.keyring(e);
        }
        // the first source: the key store's own pool when there is one (it reaches the same database), so reading
        // the state never waits for a connection of a busy application pool
        Map<String, String> domains = new HashMap<>();
        for (ColumnPolicy column : config.columns()) {
            domains.put(column.name().toLowerCase(Locale.ROOT), column.keyDomain());
        }
        ColumnMigrations migrations = new ColumnMigrations(dataConnections.get(0), config.cacheTtl(), domains);
        CellKeys keys = new KeyringCellKeys(keyring, config.columns(), migrations);
        LinkedHashMap<EncryptedColumn, CellCodec> codecs = new LinkedHashMap<>();
        for (ColumnPolicy policy : config.columns()) {
            codecs.put(RewriterColumns.of(policy), new CellCodec(policy, keys,
                    telemetry.column(policy.name(), policy.mode().policyName())));
        }
        CompiledPolicy compiled = new CompiledPolicy(config, List.copyOf(codecs.keySet()), migrations, keyring,
                new ColumnCodecs(codecs), dialect, telemetry);
        compiled.view = new Telemetry.PolicyView() {
            @Override
            public SqlRewriter.PlanCacheStatistics planCache() {
                return compiled.planner.rewriter().cacheStatistics();
            }

            @Override
            public Optional<Instant> primarySince(String domain) throws KeyringException {
                return keyring.primarySince(domain);
            }
        };
        telemetry.attach(compiled.view, keyring.masterKeyScheme(), rotationPeriods(config));
        return compiled;
    }

    /** Each key domain of the policy, with the policy's rotation period (null when it sets none). */
    private static Map<String, Duration> rotationPeriods(CloakConfig config) {
        Map<String, Duration> periods = new TreeMap<>();
        for (ColumnPolicy column : config.columns()) {
            periods.put(column.keyDomain(), config.rotateAfter());
        }
        return periods;
    }

    /** Opens the policy's trail and records that the policy was loaded; no sink, no trail. */
    private static AuditTrail auditTrail(CloakConfig config) throws SQLException {
        if (config.auditSink() == null) {
            return AuditTrail.NONE;
        }
        try {
            AuditTrail audit = FileAuditTrail.forSink(config.auditSink());
            String version = config.policySha256() == null ? null : "sha256:" + config.policySha256();
            audit.record(System.getProperty("user.name"), AuditEvent.POLICY_LOADED, null, version, AuditOutcome.OK);
            return audit;
        } catch (AuditException e) {
            throw SqlErrors.of(SqlState.UNAVAILABLE, "Cloak policy " + config.source() + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore keyStore(CloakConfig config, ConnectionSource connections) throws SQLException {
        String store = config.keyStore();
        if (store.equals("database")) {
            return new DatabaseKeyStore(connections);
        }
        if (store.startsWith("file:")) {
            return new FileKeyStore(Path.of(store.substring("file:".length())));
        }
        throw SqlErrors.of(SqlState.POLICY_ERROR, "keyring.store of policy " + config.source()
                + " must be 'database' or 'file:PATH'");
    }

    /** The policy's generation ledger, or none: without one a rolled-back key store is not detected. */
    private static GenerationLedger ledger(CloakConfig config) {
        String ledger = config.keyLedger();
        return ledger == null ? GenerationLedger.NONE
                : new FileGenerationLedger(Path.of(ledger.substring("file:".length())));
    }

    public CloakConfig config() {
        return config;
    }

    /** What this policy counts (see {@link Telemetry}). */
    public Telemetry telemetry() {
        return telemetry;
    }

    /** The keyring, for health checks of its key store and master key ({@code CloakDataSource.checkHealth}). */
    public Keyring keyring() {
        return keyring;
    }

    /** The target database's dialect, or null when Cloak does not know it. */
    public Dialect dialect() {
        return dialect;
    }

    /** The dialect of a database product or JDBC URL scheme, or null when Cloak does not know it. */
    public static Dialect dialectOf(String productOrScheme) {
        return Dialect.of(productOrScheme).orElse(null);
    }

    /** The plan of a SQL text (cached); a statement the rewriter refuses is a {@code RejectedStatementException}. */
    public StatementPlan plan(String sql) throws SQLException {
        try {
            return rewriter(sql).plan(sql);
        } catch (UnsupportedStatementException refused) {
            telemetry.refused(refused.getMessage());
            throw SqlErrors.refused(refused);
        }
    }

    /**
     * The plan of a SQL text (cached) for a statement about to run on the connection {@code catalog} reads; DDL
     * makes what Cloak read from the catalog about the tables and views it changes stale.
     */
    public StatementPlan plan(String sql, Catalog catalog) throws SQLException {
        StatementPlan plan;
        SqlRewriter rewriter = rewriter(sql);
        try {
            plan = rewriter.plan(sql, catalog);
        } catch (UnsupportedStatementException refused) {
            telemetry.refused(refused.getMessage());
            throw SqlErrors.refused(refused);
        }
        if (plan.changesSchema()) {
            catalogColumns.invalidate(plan.changedTables());
            rewriter.schemaChanged(plan);
        }
        checkImpliedColumns(plan, catalog);
        prepareKeys(plan);
        return plan;
    }

    /**
     * An INSERT without a column list was planned with the column order the catalog gave for its table's name,
     * which may be another table's on this connection (another schema first on its search path, a temporary table,
     * another database): each value would then be encrypted, or left plain, for the wrong column. The order is read
     * again as the server resolves the name here, when the statement is planned and before each execution (the
     * session may have changed its search path, or made a temporary table, in between); when it differs, the
     * statement is refused and planned afresh.
     */
    public void checkImpliedColumns(StatementPlan plan, Catalog catalog) throws SQLException {
        for (ImpliedColumns implied : plan.impliedColumns()) {
            List<String> resolved;
            try {
                resolved = catalog instanceof ConnectionCatalog connection
                        ? connection.resolvedColumns(implied.schema(), implied.table()) : List.of();
            } catch (SQLException e) {
                throw SqlErrors.of(SqlState.STATEMENT_REFUSED, "INSERT without a column list on a configured table"
                        + " needs the table's columns from the database's catalog, which could not be read (SQLState "
                        + e.getSQLState() + "): name the columns, e.g. INSERT INTO table (a, b) VALUES (?, ?)", e);
            }
            if (resolved.size() < implied.columns().size()
                    || !resolved.subList(0, implied.columns().size()).equals(implied.columns())) {
                catalogColumns.invalidate(implied.table());
                planner.rewriter().readViewsAgain();
                throw SqlErrors.of(SqlState.STATEMENT_REFUSED, "INSERT without a column list: the table this"
                        + " connection's server takes its name for (another schema on the search path, a temporary"
                        + " table) has other columns than those Cloak read for it, so it was not sent: name the"
                        + " columns, e.g. INSERT INTO table (a, b) VALUES (?, ?)");
            }
        }
    }

    /**
     * A statement whose plan defined or dropped views failed, or its transaction was rolled back: the views are read
     * from the catalog again before the next plan, so none the server does not hold maps columns.
     */
    public void readViewsAgain() {
        planner.rewriter().readViewsAgain();
    }

    /**
     * Makes the keys of the encrypted columns a DDL statement declares ready before it is sent, and those of the
     * other encrypted columns of the tables it creates, alters, empties or drops. A key is created only after other
     * connections have seen that its columns hold no value (see {@link DatabaseDomainUsage}); once the statement has
     * run inside an open transaction (a migration's {@code ALTER TABLE … ADD COLUMN}, a script's {@code TRUNCATE} or
     * {@code DROP TABLE} before its {@code CREATE TABLE}), its lock on the table would keep that check waiting for
     * the very transaction that needs the key. Best effort: a key that cannot be made now is made, or refused, under
     * the same rules when the column's first value is written. A column the statement does not declare is tried
     * ahead once per policy, so a column that may not have a key does not hold every DDL of its table up.
     */
    private void prepareKeys(StatementPlan plan) {
        for (EncryptedColumn column : plan.declaredColumns()) {
            prepareKey(column);
        }
        for (EncryptedColumn column : plan.lockedColumns()) {
            if (!plan.declaredColumns().contains(column) && keysTriedAhead.add(column)) {
                prepareKey(column);
            }
        }
    }

    private void prepareKey(EncryptedColumn column) {
        try {
            codecs.codec(column).prepareKey();
        } catch (SQLException notNow) {
            LOG.debug("The key of encrypted column {} is not made before a DDL of its table runs (SQLState {}); its"
                    + " first value will ask for it again", column.name(), notNow.getSQLState());
        }
    }

    /**
     * The rewriter for the columns that hold cells now. A column that {@code cloak_migrations} says holds plaintext
     * (before the cut-over of {@code cloak migrate encrypt}, after that of {@code decrypt}) is planned as if the policy
     * did not list it, so an application may deploy the policy before, during and after a migration; the answer is
     * read again every key cache TTL ({@link ColumnMigrations}).
     */
    private SqlRewriter rewriter(String sql) throws SQLException {
        Set<String> plaintext = layoutFree(sql) ? migrations.lastPlaintextColumns() : migrations.plaintextColumns();
        Planner current = planner;
        if (current.plaintext().equals(plaintext)) {
            return current.rewriter();
        }
        synchronized (this) {
            current = planner;
            if (!current.plaintext().equals(plaintext)) {
                List<EncryptedColumn> encrypted = columns.stream()
                        .filter(c -> !plaintext.contains(c.name().toLowerCase(Locale.ROOT))).toList();
                current = new Planner(plaintext, RewriterColumns.rewriter(encrypted, config.statementCacheSize(),
                        dialect, config.cacheTtl()));
                planner = current;
            }
            return current.rewriter();
        }
    }

    /**
     * The layout a statement of this text is planned for now: the lower-case names of the policy's columns that a
     * migration has as plaintext, and the key versions re-keys pin ({@link ColumnMigrations#layout()}); read again
     * while a column's layout is about to change, else as last read. Null when its plan cannot depend on the layout:
     * while a layout change is imminent, a text that can name no table of the policy's columns (whichever hold
     * plaintext now), no view Cloak knows over one, and runs no SQL built at run time. Such a statement is planned
     * and sent without asking {@code cloak_migrations}, so that from {@code cloak migrate verify} until the cut-over
     * the application's other statements do not wait for a query each; {@link #checkLayout} lets it run.
     */
    public Set<String> plaintextColumns(String sql) throws SQLException {
        return layoutFree(sql) ? null : migrations.layout();
    }

    /**
     * Whether a layout change is imminent and {@code sql} cannot name what it changes. Asked only then: the text
     * is scanned for the policy's table names, so statements pay it only while a cut-over is due.
     */
    private boolean layoutFree(String sql) {
        return migrations.swapImminent() && !everyColumn.mayMention(sql) && !planner.rewriter().mayMention(sql)
                && !DynamicSql.runsBuiltSql(sql, dialect);
    }

    /**
     * Checks, before a prepared statement runs, that the columns it was planned with as plaintext still are, and that
     * the key versions re-keys pin are still those it bound its cells under: a cut-over between its preparation and
     * its execution would make it read or write the other layout.
     *
     * @param plannedWith {@link #plaintextColumns(String)} as read before the statement was planned; null for a
     *     statement whose plan does not depend on the layout, which always runs
     * @throws SQLException 40001 when the layout changed; the statement is not sent
     */
    public void checkLayout(Set<String> plannedWith) throws SQLException {
        if (plannedWith == null) {
            return;
        }
        if (!migrations.swapImminent() && plannedWith.equals(migrations.lastLayout())) {
            return;
        }
        if (!migrations.layout().equals(plannedWith)) {
            throw SqlErrors.of(SqlState.LAYOUT_CHANGED, "a column this statement uses was cut over by `cloak migrate` "
                    + "after the statement was prepared, so it was not sent: prepare it again");
        }
    }

    /**
     * What plans made now rest on: the rewriter (one per migration layout) and what it knew of the schema, the views
     * over configured tables above all. A prepared statement keeps its plan while {@link #holds} says so.
     */
    public record PlanBasis(SqlRewriter rewriter, long catalogGeneration) {
    }

    /** What plans made from now on rest on; read before planning, so a change while planning shows later. */
    public PlanBasis planBasis() {
        SqlRewriter rewriter = planner.rewriter();
        return new PlanBasis(rewriter, rewriter.catalogGeneration());
    }

    /**
     * Whether nothing changed since {@code basis}: no DDL through Cloak, no new views from the catalog, which is read
     * again over {@code catalog} first when it is due.
     */
    public boolean holds(PlanBasis basis, Catalog catalog) {
        SqlRewriter rewriter = planner.rewriter();
        rewriter.readViewsIfDue(catalog);
        return basis.rewriter() == rewriter && basis.catalogGeneration() == rewriter.catalogGeneration();
    }

    /** The rewriter's catalog over a raw connection of this policy's database. */
    public Catalog catalogOf(Connection raw) {
        return new ConnectionCatalog(raw, catalogColumns, dialect);
    }

    /** Who may read what. */
    public AccessPolicy access() {
        return access;
    }

    /** What is sent to the server for a plan. */
    public ServerText serverText() {
        return serverText;
    }

    /** The codec of an encrypted column of a plan. */
    public CellCodec codec(EncryptedColumn column) throws SQLException {
        return codecs.codec(column);
    }

    /** The encrypted columns of any table whose column name is {@code lowerCaseName}. */
    public List<EncryptedColumn> columnsNamed(String lowerCaseName) {
        return codecs.columnsNamed(lowerCaseName);
    }

    /**
     * The codec of {@code column}, an encrypted column of this policy, for tools that rewrite stored cells
     * ({@code cloak migrate reencrypt}): it decrypts under every enabled version and encrypts under the active one.
     */
    public CellCodec codecOf(ColumnPolicy column) throws SQLException {
        return codecs.codecOf(column);
    }

    @Override
    public void close() {
        migrations.close();
        codecs.close();
        if (view != null) {
            telemetry.detach(view);
        }
        keyring.close();
    }

    /** A rewriter and the columns it leaves out because they hold plaintext now. */
    private record Planner(Set<String> plaintext, SqlRewriter rewriter) {
    }
}
