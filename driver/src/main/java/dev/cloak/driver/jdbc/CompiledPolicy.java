package dev.cloak.driver.jdbc;

import dev.cloak.driver.codec.CellCodec;
import dev.cloak.driver.codec.CellKeys;
import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.keyring.DomainKeys;
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
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.Dialect;
import dev.cloak.rewriter.EncryptedSchema;
import dev.cloak.rewriter.LiteralSlot;
import dev.cloak.rewriter.LookupSlot;
import dev.cloak.rewriter.RejectedStatementException;
import dev.cloak.rewriter.SqlRewriter;
import dev.cloak.rewriter.StatementPlan;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CloakConfig} made ready to run: the rewriter with its plan cache, the keyring with its key
 * cache, one {@link CellCodec} per encrypted column and the access policy. One per data source (or per
 * policy file and database for the driver); shared by all its connections and thread-safe.
 * Internal to Cloak: applications use {@code CloakDriver} or {@code CloakDataSource}.
 */
public final class CompiledPolicy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompiledPolicy.class);

    private final CloakConfig config;
    private final SqlRewriter rewriter;
    private final Keyring keyring;
    private final Map<EncryptedColumn, EncryptedColumnRuntime> columns;
    /**
     * The same runtimes by the identity of the policy's own column objects, which the rewriter's plans carry: a
     * lookup on every result column and bound parameter then needs no record hashCode or equals.
     */
    private final Map<EncryptedColumn, EncryptedColumnRuntime> columnsByIdentity;
    private final Map<String, List<EncryptedColumn>> columnsByName;
    private final Dialect dialect;

    private CompiledPolicy(CloakConfig config, SqlRewriter rewriter, Keyring keyring,
                           Map<EncryptedColumn, EncryptedColumnRuntime> columns, Dialect dialect) {
        this.config = config;
        this.dialect = dialect;
        this.rewriter = rewriter;
        this.keyring = keyring;
        this.columns = columns;
        this.columnsByIdentity = new IdentityHashMap<>(columns);
        Map<String, List<EncryptedColumn>> byName = new HashMap<>();
        for (EncryptedColumn column : columns.keySet()) {
            byName.computeIfAbsent(column.column().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(column);
        }
        byName.replaceAll((k, v) -> List.copyOf(v));
        this.columnsByName = Map.copyOf(byName);
    }

    /**
     * @param keyStoreConnections opens a separate connection to the database of the {@code database} key store,
     *     used outside the application's transactions
     * @param dataConnections open separate raw connections, asked in order before a key is created whether its
     *     columns hold a value yet (see {@link DatabaseDomainUsage}); the last reaches the application's database
     * @param dialect the target database's SQL dialect (DDL types, binary literals), or null when unknown
     */
    public static CompiledPolicy compile(CloakConfig config, ConnectionSource keyStoreConnections,
                                         List<ConnectionSource> dataConnections, Dialect dialect)
            throws SQLException {
        if (!config.requireTls()) {
            LOG.warn("Cloak policy {} sets network.require-tls: false; values may cross the network unencrypted by TLS",
                    config.source());
        }
        AuditTrail audit = auditTrail(config);
        Keyring keyring;
        try {
            keyring = Keyring.open(new KeyringSettings(config.masterKey(), config.cacheTtl(), config.cacheMaxEntries(),
                    config.autoCreateKeys()), keyStore(config, keyStoreConnections), audit,
                    new DatabaseDomainUsage(config.columns(), dataConnections.toArray(ConnectionSource[]::new)),
                    ledger(config));
        } catch (KeyringException e) {
            throw KeyringFailures.toSqlException(e);
        }
        CellKeys keys = new KeyringCellKeys(keyring, config.columns());
        Map<EncryptedColumn, EncryptedColumnRuntime> columns = new HashMap<>();
        List<EncryptedColumn> schema = new ArrayList<>();
        for (ColumnPolicy policy : config.columns()) {
            EncryptedColumn column = EncryptedColumn.declared(policy.schema(), policy.table(), policy.column(),
                    policy.quoted(), policy.mode() == EncryptionMode.DETERMINISTIC, policy.keyDomain(),
                    policy.type().name(), policy.size(), policy.pad());
            schema.add(column);
            columns.put(column, new EncryptedColumnRuntime(new CellCodec(policy, keys), accessByPrincipal(config, policy)));
        }
        SqlRewriter rewriter = new SqlRewriter(EncryptedSchema.of(schema), config.statementCacheSize(), dialect);
        return new CompiledPolicy(config, rewriter, keyring, Map.copyOf(columns), dialect);
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
            throw new SQLException("Cloak policy " + config.source() + ": " + e.getMessage(), "58030", e);
        }
    }

    /** Records that {@code principal} was refused {@code column}; a trail that cannot record fails the read (58030). */
    void recordAccessDenied(EncryptedColumn column, String principal) throws SQLException {
        try {
            keyring.auditTrail().record(principal, AuditEvent.ACCESS_DENIED, column.keyDomain(), null, AuditOutcome.DENIED);
        } catch (AuditException e) {
            throw new SQLException("access denial on column " + column.name() + " cannot be audited: " + e.getMessage(),
                    "58030", e);
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
        throw new SQLException("keyring.store of policy " + config.source() + " must be 'database' or 'file:PATH'", "F0000");
    }

    /** The policy's generation ledger, or none: without one a rolled-back key store is not detected. */
    private static GenerationLedger ledger(CloakConfig config) {
        String ledger = config.keyLedger();
        return ledger == null ? GenerationLedger.NONE
                : new FileGenerationLedger(Path.of(ledger.substring("file:".length())));
    }

    private static Map<String, DecryptAccess> accessByPrincipal(CloakConfig config, ColumnPolicy policy) {
        Map<String, DecryptAccess> access = new HashMap<>();
        for (AccessRule rule : config.accessRules()) {
            for (String name : rule.columns()) {
                if (sameColumn(name, policy)) {
                    access.putIfAbsent(principalKey(rule.principal()), rule.decrypt());
                }
            }
        }
        return Map.copyOf(access);
    }

    private static boolean sameColumn(String ruleName, ColumnPolicy policy) {
        String rule = ruleName.replace("\"", "");
        String name = policy.name();
        String shortName = policy.table() + "." + policy.column();
        return policy.quoted() ? rule.equals(name) || rule.equals(shortName)
                : rule.equalsIgnoreCase(name) || rule.equalsIgnoreCase(shortName);
    }

    public CloakConfig config() {
        return config;
    }

    /** The keyring, for health checks of its key store and master key ({@code CloakDataSource.checkHealth}). */
    public Keyring keyring() {
        return keyring;
    }

    /**
     * The text to send for a plan: its SQL, with each literal of an encrypted column replaced by a binary literal
     * of its ciphertext in the dialect's syntax, and lookups expanded while their key domain rotates. The
     * plaintext literal never reaches the database.
     */
    String textToSend(StatementPlan plan) throws SQLException {
        return textToSend(plan, lookupKeys(plan));
    }

    /** As {@link #textToSend(StatementPlan)}, with the plan's {@link #lookupKeys} already read. */
    String textToSend(StatementPlan plan, LookupKeys lookupKeys) throws SQLException {
        if (lookupKeys != null && lookupKeys.expansion() != null) {
            return lookupKeys.expansion().sql();
        }
        if (!plan.hasEncryptedLiterals()) {
            return plan.sql();
        }
        return plan.expand(column -> 1, (slot, version) ->
                binaryLiteral(slot, codec(slot.column()).encrypt(slot.value(), java.sql.Types.OTHER))).sql();
    }

    /**
     * The key versions a plan's lookups are sent and bound for, read once when a statement is prepared; null when
     * the plan has no lookup. Usually each looked-up domain has one version and the text goes as planned (the
     * cost is one cached key lookup per domain). During rotation (SPEC §2.4) every {@code col = ?} compares with
     * one ciphertext per enabled version: the result then also holds the expanded text and where each parameter
     * went. A statement binds its lookups under exactly these versions, so its text and its values agree even if
     * the keyring's cache reloads a newer keyset while the statement is open.
     */
    LookupKeys lookupKeys(StatementPlan plan) throws SQLException {
        if (plan.lookups().isEmpty()) {
            return null;
        }
        Map<String, List<DeterministicAead>> versions = new HashMap<>(4);
        boolean rotating = false;
        for (LookupSlot lookup : plan.lookups()) {
            EncryptedColumn column = lookup.column();
            if (!versions.containsKey(column.keyDomain())) {
                List<DeterministicAead> domainVersions = codec(column).lookupVersions();
                versions.put(column.keyDomain(), domainVersions);
                rotating |= domainVersions.size() > 1;
            }
        }
        StatementPlan.Expansion expansion = !rotating ? null : plan.expand(column -> versions.get(column.keyDomain()).size(),
                (slot, version) -> binaryLiteral(slot, literalCell(slot, versions.get(slot.column().keyDomain()), version)));
        return new LookupKeys(expansion, versions);
    }

    /** A literal's cell: under a looked-up domain's version, or (a literal outside lookups) under the primary. */
    private byte[] literalCell(LiteralSlot slot, List<DeterministicAead> versions, int version) throws SQLException {
        CellCodec codec = codec(slot.column());
        return versions == null ? codec.encrypt(slot.value(), java.sql.Types.OTHER)
                : codec.encryptUnder(slot.value(), java.sql.Types.OTHER, versions.get(version));
    }

    /**
     * The key versions of a plan's looked-up domains, primary first, and the expanded text when a domain has
     * several ({@code null} otherwise).
     */
    record LookupKeys(StatementPlan.Expansion expansion, Map<String, List<DeterministicAead>> versions) {

        /** Counts only: the versions are key material. */
        @Override
        public String toString() {
            return "LookupKeys[" + expansion + ", domains=" + versions.keySet() + "]";
        }
    }

    private String binaryLiteral(LiteralSlot slot, byte[] cell) throws SQLException {
        if (dialect == null) {
            throw new RejectedStatementException("A literal for encrypted column " + slot.column().name()
                    + " cannot be encrypted for this database (its binary literal syntax is unknown): bind it with a ? parameter");
        }
        String hex = java.util.HexFormat.of().formatHex(cell);
        // decode(…, 'hex') does not depend on standard_conforming_strings, unlike '\x…'
        return dialect == Dialect.POSTGRESQL ? "decode('" + hex + "', 'hex')" : "X'" + hex + "'";
    }

    /** The dialect of a database product or JDBC URL scheme, or null when Cloak does not know it. */
    public static Dialect dialectOf(String productOrScheme) {
        return Dialect.of(productOrScheme).orElse(null);
    }

    /** The plan of a SQL text (cached); rejected statements throw SQLState 0A000. */
    public StatementPlan plan(String sql) throws SQLException {
        return rewriter.plan(sql);
    }

    /** The encrypted columns of any table whose column name is {@code lowerCaseName}. */
    List<EncryptedColumn> columnsNamed(String lowerCaseName) {
        return columnsByName.getOrDefault(lowerCaseName, List.of());
    }

    CellCodec codec(EncryptedColumn column) throws SQLException {
        return runtime(column).codec();
    }

    /** Principals match case-insensitively: databases fold user names (H2 upper-cases {@code analytics}). */
    private static String principalKey(String principal) {
        return principal.toLowerCase(Locale.ROOT);
    }

    /** What {@code principal} gets when it reads {@code column}. */
    DecryptAccess access(EncryptedColumn column, String principal) throws SQLException {
        EncryptedColumnRuntime runtime = runtime(column);
        DecryptAccess access = principal == null ? null : runtime.accessByPrincipal().get(principalKey(principal));
        return access != null ? access : config.defaultAccess();
    }

    private EncryptedColumnRuntime runtime(EncryptedColumn column) throws SQLException {
        EncryptedColumnRuntime runtime = columnsByIdentity.get(column);
        if (runtime == null) {
            runtime = columns.get(column);
        }
        if (runtime == null) {
            // The rewriter only hands out columns of this policy; anything else is a bug: refuse, do not guess.
            throw new SQLException("Cloak has no policy for column " + column.name(), "XX000");
        }
        return runtime;
    }

    /** Lower-case name of a column for messages. */
    static String nameOf(EncryptedColumn column) {
        return column.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        keyring.close();
    }

    private record EncryptedColumnRuntime(CellCodec codec, Map<String, DecryptAccess> accessByPrincipal) {
    }

    /**
     * The keyring's primitives as the codec asks for them, on every cell: through one {@link DomainKeys} per key
     * domain of the policy, which answers without a cache lookup while the keyring's cache would have kept the
     * primitive. Keyring failures become SQLExceptions.
     */
    private static final class KeyringCellKeys implements CellKeys {
        private final Keyring keyring;
        private final Map<String, DomainKeys> domains;

        KeyringCellKeys(Keyring keyring, List<ColumnPolicy> columns) {
            this.keyring = keyring;
            Map<String, DomainKeys> domains = new HashMap<>();
            for (ColumnPolicy column : columns) {
                domains.computeIfAbsent(column.keyDomain(), keyring::domainKeys);
            }
            this.domains = Map.copyOf(domains);
        }

        private DomainKeys domain(String keyDomain) {
            DomainKeys keys = domains.get(keyDomain);
            // every codec's domain is the policy's; another is not expected, but it still gets the keyring's rules
            return keys != null ? keys : keyring.domainKeys(keyDomain);
        }

        @Override
        public Aead aead(String keyDomain) throws SQLException {
            try {
                return domain(keyDomain).aead();
            } catch (KeyringException e) {
                throw KeyringFailures.toSqlException(e);
            }
        }

        @Override
        public DeterministicAead deterministicAead(String keyDomain) throws SQLException {
            try {
                return domain(keyDomain).deterministicAead();
            } catch (KeyringException e) {
                throw KeyringFailures.toSqlException(e);
            }
        }

        @Override
        public List<DeterministicAead> deterministicAeadsByVersion(String keyDomain) throws SQLException {
            try {
                return domain(keyDomain).deterministicAeadsByVersion();
            } catch (KeyringException e) {
                throw KeyringFailures.toSqlException(e);
            }
        }
    }

    /**
     * The codec of {@code column}, an encrypted column of this policy, for tools that rewrite stored cells
     * ({@code cloak migrate reencrypt}): it decrypts under every enabled version and encrypts under the active one.
     */
    public CellCodec codecOf(ColumnPolicy column) throws SQLException {
        for (EncryptedColumnRuntime runtime : columns.values()) {
            if (runtime.codec().column().equals(column)) {
                return runtime.codec();
            }
        }
        throw new SQLException("Cloak has no policy for column " + column.name(), "XX000");
    }
}
