package dev.cloak.driver.config;

import dev.cloak.keyring.MasterKeyOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable policy of a Cloak data source: key hierarchy, encrypted columns, access rules, network
 * and statement settings. Built from a policy file by {@link PolicyFile#load(String)} or in code with
 * {@link #builder()}; both produce the same object.
 */
public final class CloakConfig {

    /** The default lifetime of an unwrapped keyset in memory. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(15);
    public static final long DEFAULT_CACHE_MAX_ENTRIES = 10_000;
    public static final int DEFAULT_STATEMENT_CACHE_SIZE = 10_000;
    /** The default {@code keyring.kms-timeout}: the longest one remote KMS call may take, retries included. */
    public static final Duration DEFAULT_KMS_TIMEOUT = MasterKeyOptions.DEFAULT_KMS_TIMEOUT;
    /** The longest {@code keyring.kms-timeout} allowed: a statement should never wait longer on a KMS. */
    public static final Duration MAX_KMS_TIMEOUT = Duration.ofMinutes(5);

    private final String source;
    private final String masterKey;
    private final String keyStore;
    private final String keyLedger;
    private final Duration cacheTtl;
    private final long cacheMaxEntries;
    private final boolean autoCreateKeys;
    private final Duration kmsTimeout;
    private final Duration rotateAfter;
    private final List<ColumnPolicy> columns;
    private final DecryptAccess defaultAccess;
    private final List<AccessRule> accessRules;
    private final PrincipalSource principalSource;
    private final boolean requireTls;
    private final boolean verifyServer;
    private final TlsVersion minTls;
    private final boolean requireClientCert;
    private final Set<String> allowedDriverSettings;
    private final int statementCacheSize;
    private final String auditSink;
    private final String policySha256;

    private CloakConfig(Builder b) {
        this.source = b.source;
        this.masterKey = b.masterKey;
        this.keyStore = b.keyStore;
        this.keyLedger = b.keyLedger;
        this.cacheTtl = b.cacheTtl;
        this.cacheMaxEntries = b.cacheMaxEntries;
        this.autoCreateKeys = b.autoCreateKeys;
        this.kmsTimeout = b.kmsTimeout;
        this.rotateAfter = b.rotateAfter;
        this.columns = List.copyOf(b.columns);
        this.defaultAccess = b.defaultAccess;
        this.accessRules = List.copyOf(b.accessRules);
        this.principalSource = b.principalSource;
        this.requireTls = b.requireTls;
        this.verifyServer = b.verifyServer == null ? b.requireTls : b.verifyServer;
        this.minTls = b.minTls;
        this.requireClientCert = b.requireClientCert;
        this.allowedDriverSettings = Set.copyOf(b.allowedDriverSettings);
        this.statementCacheSize = b.statementCacheSize;
        this.auditSink = b.auditSink;
        this.policySha256 = b.policySha256;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where this policy came from: the policy file's path, or {@code "builder"}. */
    public String source() {
        return source;
    }

    /** The master key URI ({@code local:…} or {@code pkcs11:…}). */
    public String masterKey() {
        return masterKey;
    }

    /** The key store: {@code database} or {@code file:PATH}. */
    public String keyStore() {
        return keyStore;
    }

    /**
     * Where the newest generation of every key domain is remembered, outside the key store ({@code file:PATH}), so
     * that a rolled-back key store is refused; {@code null} when the policy names none.
     */
    public String keyLedger() {
        return keyLedger;
    }

    public Duration cacheTtl() {
        return cacheTtl;
    }

    public long cacheMaxEntries() {
        return cacheMaxEntries;
    }

    /** Whether a key domain's keyset is created on first use ({@code keyring.auto-create}). */
    public boolean autoCreateKeys() {
        return autoCreateKeys;
    }

    /**
     * How long one call to a remote KMS (AWS KMS, Cloud KMS, Vault) may take, retries included, and how long a
     * statement waits for another connection's load of the same key ({@code keyring.kms-timeout}).
     */
    public Duration kmsTimeout() {
        return kmsTimeout;
    }

    /**
     * How old a key domain's active key version may get before {@code cloak keys rotate --due} rotates it, and
     * {@code cloak keys list}, {@code cloak doctor} and the metrics call it overdue ({@code keyring.rotate-after});
     * null when the policy sets no rotation period.
     */
    public Duration rotateAfter() {
        return rotateAfter;
    }

    public List<ColumnPolicy> columns() {
        return columns;
    }

    /** What principals get that no rule names ({@code access.default}): ALLOW or DENY. */
    public DecryptAccess defaultAccess() {
        return defaultAccess;
    }

    public List<AccessRule> accessRules() {
        return accessRules;
    }

    /**
     * The encrypted columns of this policy that {@code rule} names, matched as SQL matches identifiers (unquoted names
     * case-insensitively, quoted ones exactly, a name without a schema in any schema, a column configured without a
     * schema under any schema the rule names). The access policy applies a rule to exactly these.
     */
    public List<ColumnPolicy> columnsNamedBy(AccessRule rule) {
        List<ColumnPolicy> named = new ArrayList<>();
        for (ColumnPolicy column : columns) {
            if (rule.columns().stream().anyMatch(name -> ColumnNames.matches(name, column))) {
                named.add(column);
            }
        }
        return named;
    }

    /** Who a connection's principal is ({@code access.principal}): the session's user, or one the application names. */
    public PrincipalSource principalSource() {
        return principalSource;
    }

    public boolean requireTls() {
        return requireTls;
    }

    /**
     * {@code network.verify-server}: the delegate URL must make the driver verify the server's certificate and host
     * name (pgjdbc {@code sslmode=verify-full}, MariaDB {@code sslMode=verify-full}). Default: {@link #requireTls()}.
     */
    public boolean verifyServer() {
        return verifyServer;
    }

    /** {@code network.min-tls}: the oldest TLS version a session may use, or null for any the driver accepts. */
    public TlsVersion minTls() {
        return minTls;
    }

    /** {@code network.require-client-cert}: the server must have seen a client certificate (mutual TLS). */
    public boolean requireClientCert() {
        return requireClientCert;
    }

    /**
     * {@code network.allow-driver-settings}: the delegate settings, lower case, that may load classes, run scripts or
     * read local files and that this policy allows anyway. Empty by default.
     */
    public Set<String> allowedDriverSettings() {
        return allowedDriverSettings;
    }

    public int statementCacheSize() {
        return statementCacheSize;
    }

    /** Where key events are recorded ({@code audit.sink}, {@code file:PATH}), or {@code null} for no audit trail. */
    public String auditSink() {
        return auditSink;
    }

    /** The lower-case hex SHA-256 of the policy file's bytes, or {@code null} for a policy built in code. */
    public String policySha256() {
        return policySha256;
    }

    @Override
    public String toString() {
        // The master key URI may carry a module path and a PIN source, never a PIN: still, keep it out.
        return "CloakConfig[source=" + source + ", columns=" + columns.size() + ", keyStore=" + keyStore + "]";
    }

    /** Builds a {@link CloakConfig}; every setting has the policy file's default. */
    public static final class Builder {
        private String source = "builder";
        private String masterKey;
        private String keyStore = "database";
        private String keyLedger;
        private Duration cacheTtl = DEFAULT_CACHE_TTL;
        private long cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES;
        private boolean autoCreateKeys = true;
        private Duration kmsTimeout = DEFAULT_KMS_TIMEOUT;
        private Duration rotateAfter;
        private final List<ColumnPolicy> columns = new ArrayList<>();
        private DecryptAccess defaultAccess = DecryptAccess.ALLOW;
        private final List<AccessRule> accessRules = new ArrayList<>();
        private PrincipalSource principalSource = PrincipalSource.SESSION;
        private boolean requireTls = true;
        private Boolean verifyServer;
        private TlsVersion minTls;
        private boolean requireClientCert;
        private final Set<String> allowedDriverSettings = new HashSet<>();
        private int statementCacheSize = DEFAULT_STATEMENT_CACHE_SIZE;
        private String auditSink;
        private String policySha256;

        private Builder() {
        }

        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        public Builder masterKey(String uri) {
            this.masterKey = Objects.requireNonNull(uri, "masterKey");
            return this;
        }

        /** {@code database} or {@code file:PATH}. */
        public Builder keyStore(String store) {
            this.keyStore = Objects.requireNonNull(store, "keyStore");
            return this;
        }

        /**
         * Remembers the newest generation of every key domain in {@code ledger}, so a rolled-back key store is
         * refused; without one, a restored older key store is accepted.
         *
         * @param ledger {@code file:PATH}, on the application's host, where whoever can restore the key store cannot
         */
        public Builder keyLedger(String ledger) {
            Objects.requireNonNull(ledger, "keyLedger");
            if (!ledger.startsWith("file:") || ledger.length() == "file:".length()) {
                throw new IllegalArgumentException("keyring.ledger must be file:PATH");
            }
            try {
                Path.of(ledger.substring("file:".length()));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("keyring.ledger is not a valid file path", e);
            }
            this.keyLedger = ledger;
            return this;
        }

        public Builder cache(Duration ttl, long maxEntries) {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("cache ttl must be positive");
            }
            if (maxEntries < 1) {
                throw new IllegalArgumentException("cache max-entries must be at least 1");
            }
            this.cacheTtl = ttl;
            this.cacheMaxEntries = maxEntries;
            return this;
        }

        public Builder autoCreateKeys(boolean autoCreate) {
            this.autoCreateKeys = autoCreate;
            return this;
        }

        /**
         * How long one call to a remote KMS may take, retries included; a cold key fails within it as unavailable
         * (SQLState 58030) while the KMS is down.
         *
         * @param timeout positive, at most {@link CloakConfig#MAX_KMS_TIMEOUT}
         */
        public Builder kmsTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "kmsTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("keyring.kms-timeout must be positive");
            }
            if (timeout.compareTo(MAX_KMS_TIMEOUT) > 0) {
                throw new IllegalArgumentException("keyring.kms-timeout must be at most " + MAX_KMS_TIMEOUT.toMinutes()
                        + " minutes: statements wait for it");
            }
            this.kmsTimeout = timeout;
            return this;
        }

        /**
         * The rotation period of every key domain ({@code keyring.rotate-after}, e.g. 90d): older active key versions
         * are due for rotation. Null for none.
         *
         * @param period at least one day, or null
         */
        public Builder rotateAfter(Duration period) {
            if (period != null && period.compareTo(Duration.ofDays(1)) < 0) {
                throw new IllegalArgumentException("keyring.rotate-after must be at least 1d: a key rotated more often "
                        + "leaves more versions to keep than it protects");
            }
            this.rotateAfter = period;
            return this;
        }

        /**
         * Adds an encrypted column that owns its key; {@code name} is {@code table.column} or
         * {@code schema.table.column}.
         */
        public Builder column(String name, ColumnType type, EncryptionMode mode) {
            return column(name, type, mode, 0, null);
        }

        /**
         * Adds an encrypted column.
         *
         * @param pad       0 for none; else every value of up to this many bytes gives a cell of one size, and
         *                  longer ones are refused
         * @param keyColumn the policy name of the column whose key this one shares, or {@code null} for its own
         */
        public Builder column(String name, ColumnType type, EncryptionMode mode, int pad, String keyColumn) {
            return column(name, type, mode, pad, false, keyColumn);
        }

        /**
         * Adds an encrypted column, as {@code pad: { size: pad, buckets: padBuckets }} in a policy file.
         *
         * @param pad        0 for none; else every value of up to this many bytes gives a cell of one size, and
         *                   longer ones are refused; with {@code padBuckets}, the plaintext is a multiple of it
         * @param keyColumn  the policy name of the column whose key this one shares, or {@code null} for its own
         */
        public Builder column(String name, ColumnType type, EncryptionMode mode, int pad, boolean padBuckets,
                              String keyColumn) {
            return column(ColumnNames.policy(name, type, mode, pad, padBuckets, 0, ColumnPolicy.NO_SCALE,
                    keyColumn));
        }

        public Builder column(ColumnPolicy column) {
            this.columns.add(Objects.requireNonNull(column, "column"));
            return this;
        }

        /** ALLOW or DENY for principals that no rule names. */
        public Builder defaultAccess(DecryptAccess access) {
            if (access != DecryptAccess.ALLOW && access != DecryptAccess.DENY) {
                throw new IllegalArgumentException("access.default must be allow or deny");
            }
            this.defaultAccess = access;
            return this;
        }

        /** Adds a rule; {@link #build()} checks that each column it names is an encrypted column of the policy. */
        public Builder accessRule(AccessRule rule) {
            this.accessRules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Who a connection's principal is; {@link PrincipalSource#SESSION}, the database's user, unless set. */
        public Builder principalSource(PrincipalSource source) {
            this.principalSource = Objects.requireNonNull(source, "principalSource");
            return this;
        }

        public Builder requireTls(boolean requireTls) {
            this.requireTls = requireTls;
            return this;
        }

        /** {@code network.verify-server}; unset, it follows {@link #requireTls(boolean)}. */
        public Builder verifyServer(boolean verify) {
            this.verifyServer = verify;
            return this;
        }

        /** {@code network.min-tls}; null for no minimum beyond the driver's own. */
        public Builder minTls(TlsVersion version) {
            this.minTls = version;
            return this;
        }

        public Builder requireClientCert(boolean require) {
            this.requireClientCert = require;
            return this;
        }

        /** Adds to {@code network.allow-driver-settings} (names compared without regard to case). */
        public Builder allowDriverSetting(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a driver setting to allow must have a name");
            }
            allowedDriverSettings.add(name.trim().toLowerCase(Locale.ROOT));
            return this;
        }

        public Builder statementCacheSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("statements.cache-size must be at least 1");
            }
            this.statementCacheSize = size;
            return this;
        }

        /**
         * Records every key event on the audit trail at {@code sink}; without one there is no trail.
         *
         * @param sink {@code file:PATH}
         */
        public Builder auditSink(String sink) {
            Objects.requireNonNull(sink, "auditSink");
            if (!sink.startsWith("file:") || sink.length() == "file:".length()) {
                throw new IllegalArgumentException("audit.sink must be file:PATH");
            }
            try {
                Path.of(sink.substring("file:".length()));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("audit.sink is not a valid file path", e);
            }
            this.auditSink = sink;
            return this;
        }

        /** The SHA-256 of the policy file this configuration was read from (lower-case hex); set by PolicyFile. */
        Builder policySha256(String sha256) {
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("policy SHA-256 must be 64 lower-case hex digits");
            }
            this.policySha256 = sha256;
            return this;
        }

        /**
         * @throws IllegalArgumentException when the policy is inconsistent: no master key, a column listed
         *     twice, a key shared between columns of different modes or types, an unknown key column, an access rule
         *     that names a column the policy does not encrypt, two rules for one principal and column
         */
        private void checkNetwork() {
            if (requireTls) {
                return;
            }
            if (Boolean.TRUE.equals(verifyServer)) {
                throw new IllegalArgumentException("network.verify-server: true needs network.require-tls: true");
            }
            if (minTls != null) {
                throw new IllegalArgumentException("network.min-tls needs network.require-tls: true");
            }
            if (requireClientCert) {
                throw new IllegalArgumentException("network.require-client-cert: true needs network.require-tls: true");
            }
        }

        public CloakConfig build() {
            if (masterKey == null || masterKey.isBlank()) {
                throw new IllegalArgumentException("keyring.master-key is required");
            }
            checkNetwork();
            Set<String> seen = new HashSet<>();
            for (ColumnPolicy c : columns) {
                if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("column " + c.name() + " is listed twice");
                }
            }
            for (ColumnPolicy c : columns) {
                if (c.keyDomain().equals(c.ownDomain())) {
                    continue;
                }
                ColumnPolicy owner = columns.stream().filter(o -> o.ownDomain().equals(c.keyDomain())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "column " + c.name() + " shares the key of " + c.keyDomain()
                                        + ", which is not an encrypted column"));
                if (!owner.keyDomain().equals(owner.ownDomain())) {
                    throw new IllegalArgumentException("column " + c.name() + " shares the key of " + owner.name()
                            + ", which shares another column's key itself; name the key's owner " + owner.keyDomain());
                }
                if (owner.type() != c.type()) {
                    // Cells carry a type tag: a shared key across types could never join or compare equal.
                    throw new IllegalArgumentException("column " + c.name() + " shares the key of " + owner.name()
                            + " but has another type (" + c.type().policyName() + " vs "
                            + owner.type().policyName() + ")");
                }
                if (owner.mode() != c.mode()) {
                    throw new IllegalArgumentException("column " + c.name() + " shares the key of " + owner.name()
                            + " but has another mode (" + c.mode().policyName() + " vs "
                            + owner.mode().policyName() + ")");
                }
                if (owner.scale() != c.scale()) {
                    // 1.5 and 1.50 would encrypt differently: a join over the shared key would miss equal numbers
                    throw new IllegalArgumentException("column " + c.name() + " shares the key of " + owner.name()
                            + " but has another scale");
                }
            }
            CloakConfig config = new CloakConfig(this);
            checkAccessRules(config);
            return config;
        }

        /** A rule that applies to no column, or a second rule for a principal and column, would go unnoticed. */
        private static void checkAccessRules(CloakConfig config) {
            Map<String, AccessRule> decided = new HashMap<>();
            for (AccessRule rule : config.accessRules) {
                for (String name : rule.columns()) {
                    boolean known = config.columns.stream().anyMatch(column -> ColumnNames.matches(name, column));
                    if (!known) {
                        throw new IllegalArgumentException("access rule for principal " + rule.principal() + " names "
                                + name + ", which is not an encrypted column of this policy");
                    }
                }
                for (ColumnPolicy column : config.columnsNamedBy(rule)) {
                    String key = AccessRule.principalKey(rule.principal()) + "\u0000" + column.name();
                    AccessRule earlier = decided.putIfAbsent(key, rule);
                    if (earlier != null && earlier != rule) {
                        throw new IllegalArgumentException("principal " + rule.principal() + " has two access rules"
                                + " for column " + column.name() + ": give it one");
                    }
                }
            }
        }
    }
}
