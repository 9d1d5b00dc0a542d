package dev.cloak.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code cloak.*} settings of a Spring Boot application: the starter's own (whether it is on, where the policy
 * is, which data sources it wraps, the principal, the health check) and, instead of a policy file, the policy itself
 * in the policy file's layout. Policy values are kept as text: the driver's {@code PolicyFile} reads them, so they
 * are checked exactly as a policy file is.
 */
@ConfigurationProperties(prefix = CloakProperties.PREFIX)
public class CloakProperties {

    /** The prefix of every Cloak setting. */
    public static final String PREFIX = "cloak";

    /** Whether Cloak wraps the application's data sources; false switches the starter off entirely. */
    private boolean enabled = true;

    /**
     * The policy file: file:PATH, classpath:PATH or a plain path. Leave it unset to give the policy inline under
     * cloak.keyring, cloak.columns and so on; with neither, the classpath resource cloak.yaml is used.
     */
    private String config;

    /**
     * The principal of every connection of the wrapped data sources, for the access policy, where the policy says
     * access.principal: asserted (one database user for the pool); unset, it is the database session's own user.
     */
    private String principal;

    /** Names of the DataSource beans to wrap; empty wraps every DataSource bean. */
    private List<String> dataSources = new ArrayList<>();

    /**
     * The name of a DataSource bean, left unwrapped, that the database key store (keyring.store: database) reads
     * wrapped keys through; unset, it borrows from the wrapped pool itself. A key-cache miss borrows a connection
     * while the caller holds one: a small pool of its own keeps a busy pool from waiting on itself.
     */
    private String keyStoreDataSource;

    /** The health indicator. */
    private final Health health = new Health();

    /** Cloak's meters in the application's Micrometer registry. */
    private final Metrics metrics = new Metrics();

    /** Inline policy: the policy format version (default 1). */
    private String version;

    /** Inline policy: the key hierarchy. */
    private final Keyring keyring = new Keyring();

    /**
     * Inline policy: the encrypted columns, by table.column (or schema.table.column), each with type, mode and
     * optionally pad, size, scale and key, as in the policy file.
     */
    private Map<String, Object> columns = new LinkedHashMap<>();

    /** Inline policy: who may decrypt what. */
    private final Access access = new Access();

    /** Inline policy: the audit trail. */
    private final Audit audit = new Audit();

    /** Inline policy: what Cloak demands of the network. */
    private final Network network = new Network();

    /** Inline policy: the statement plan cache. */
    private final Statements statements = new Statements();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getConfig() {
        return config;
    }

    public void setConfig(String config) {
        this.config = config;
    }

    public String getPrincipal() {
        return principal;
    }

    public void setPrincipal(String principal) {
        this.principal = principal;
    }

    public List<String> getDataSources() {
        return dataSources;
    }

    public void setDataSources(List<String> dataSources) {
        this.dataSources = dataSources;
    }

    public String getKeyStoreDataSource() {
        return keyStoreDataSource;
    }

    public void setKeyStoreDataSource(String keyStoreDataSource) {
        this.keyStoreDataSource = keyStoreDataSource;
    }

    public Health getHealth() {
        return health;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public Keyring getKeyring() {
        return keyring;
    }

    public Map<String, Object> getColumns() {
        return columns;
    }

    public void setColumns(Map<String, Object> columns) {
        this.columns = columns;
    }

    public Access getAccess() {
        return access;
    }

    public Audit getAudit() {
        return audit;
    }

    public Network getNetwork() {
        return network;
    }

    public Statements getStatements() {
        return statements;
    }

    /** Settings of Cloak's meters (CloakMetrics), bound to the application's Micrometer registry. */
    public static class Metrics {

        /** Whether Cloak's meters are bound to the application's Micrometer registry. */
        private boolean enabled = true;

        /**
         * Whether the master-key latency timer publishes percentiles (0.5, 0.95, 0.99) and a histogram: more series
         * and memory, so off unless asked for.
         */
        private boolean percentiles;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isPercentiles() {
            return percentiles;
        }

        public void setPercentiles(boolean percentiles) {
            this.percentiles = percentiles;
        }
    }

    /** Settings of Cloak's Actuator health indicator. */
    public static class Health {

        /**
         * How often the key store and the master key are checked in the background; a health request reads the
         * last result and never calls the KMS or HSM itself.
         */
        private Duration checkInterval = Duration.ofSeconds(60);

        /** Whether a development (local:) master key is accepted in a production profile, the health staying UP. */
        private boolean allowDevelopmentKey;

        /** The profiles in which a development (local:) master key makes Cloak's health DOWN. */
        private List<String> productionProfiles = new ArrayList<>(List.of("prod"));

        public Duration getCheckInterval() {
            return checkInterval;
        }

        public void setCheckInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
        }

        public boolean isAllowDevelopmentKey() {
            return allowDevelopmentKey;
        }

        public void setAllowDevelopmentKey(boolean allowDevelopmentKey) {
            this.allowDevelopmentKey = allowDevelopmentKey;
        }

        public List<String> getProductionProfiles() {
            return productionProfiles;
        }

        public void setProductionProfiles(List<String> productionProfiles) {
            this.productionProfiles = productionProfiles;
        }
    }

    /** Inline policy: keyring.* of the policy file. */
    public static class Keyring {

        /**
         * The master key URI: pkcs11:… for an HSM; aws-kms://arn:…, gcp-kms://projects/… or
         * vault-transit://HOST:PORT/MOUNT/keys/NAME?token-source=… for a KMS; or local:file:PATH for a development
         * key kept in clear (warned about at every start).
         */
        private String masterKey;

        /** Where wrapped column keys are kept: database (table cloak_keys) or file:PATH. */
        private String store;

        /**
         * Where the newest generation of every key domain is remembered, file:PATH on the application's host, so a
         * key store restored from an older backup is refused (none by default: not detected).
         */
        private String ledger;

        /** Whether a column's key is created on first use (true) or must exist (false: made by cloak keys init). */
        private String autoCreate;

        /**
         * How long one call to a remote KMS may take, retries included, and how long a statement waits for another
         * connection's load of the same key: a whole number with ms, s or m, at most 5m (default 5s).
         */
        private String kmsTimeout;

        /**
         * How old a key domain's active key version may get before cloak keys rotate --due rotates it and metrics,
         * cloak keys list and cloak doctor call it overdue: a whole number with d (or h, m), e.g. 90d; unset for none.
         */
        private String rotateAfter;

        /** The cache of unwrapped column keys. */
        private final Cache cache = new Cache();

        public String getMasterKey() {
            return masterKey;
        }

        public void setMasterKey(String masterKey) {
            this.masterKey = masterKey;
        }

        public String getStore() {
            return store;
        }

        public void setStore(String store) {
            this.store = store;
        }

        public String getLedger() {
            return ledger;
        }

        public void setLedger(String ledger) {
            this.ledger = ledger;
        }

        public String getAutoCreate() {
            return autoCreate;
        }

        public void setAutoCreate(String autoCreate) {
            this.autoCreate = autoCreate;
        }

        public String getKmsTimeout() {
            return kmsTimeout;
        }

        public void setKmsTimeout(String kmsTimeout) {
            this.kmsTimeout = kmsTimeout;
        }

        public String getRotateAfter() {
            return rotateAfter;
        }

        public void setRotateAfter(String rotateAfter) {
            this.rotateAfter = rotateAfter;
        }

        public Cache getCache() {
            return cache;
        }
    }

    /** Inline policy: keyring.cache.* of the policy file. */
    public static class Cache {

        /** How long an unwrapped column key stays in memory: a whole number with ms, s, m, h or d (default 15m). */
        private String ttl;

        /** How many unwrapped keys the cache holds at most (default 10000). */
        private String maxEntries;

        public String getTtl() {
            return ttl;
        }

        public void setTtl(String ttl) {
            this.ttl = ttl;
        }

        public String getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(String maxEntries) {
            this.maxEntries = maxEntries;
        }
    }

    /** Inline policy: access.* of the policy file. */
    public static class Access {

        /** What principals that no rule names get: allow or deny. */
        private String defaultAccess;

        /**
         * Who a connection's principal is: session (the default: the database session's own user) or asserted
         * (cloak.principal, CloakConnection.setPrincipal).
         */
        private String principal;

        /** Rules: a principal, the columns, and what it gets when it reads them. */
        private List<Rule> rules = new ArrayList<>();

        /** The policy file's access.default; "default" is a Java keyword, so the property is bound by name. */
        public String getDefault() {
            return defaultAccess;
        }

        public void setDefault(String defaultAccess) {
            this.defaultAccess = defaultAccess;
        }

        public String getPrincipal() {
            return principal;
        }

        public void setPrincipal(String principal) {
            this.principal = principal;
        }

        public List<Rule> getRules() {
            return rules;
        }

        public void setRules(List<Rule> rules) {
            this.rules = rules;
        }
    }

    /** Inline policy: one entry of access.rules. */
    public static class Rule {

        /** The principal the rule is for. */
        private String principal;

        /** The encrypted columns the rule covers (table.column). */
        private List<String> columns = new ArrayList<>();

        /** What the principal gets: allow, deny (SQLState 28000), null (SQL NULL) or mask. */
        private String decrypt;

        public String getPrincipal() {
            return principal;
        }

        public void setPrincipal(String principal) {
            this.principal = principal;
        }

        public List<String> getColumns() {
            return columns;
        }

        public void setColumns(List<String> columns) {
            this.columns = columns;
        }

        public String getDecrypt() {
            return decrypt;
        }

        public void setDecrypt(String decrypt) {
            this.decrypt = decrypt;
        }
    }

    /** Inline policy: audit.* of the policy file. */
    public static class Audit {

        /** Where key events are recorded: file:PATH (JSON Lines, hash-chained). */
        private String sink;

        public String getSink() {
            return sink;
        }

        public void setSink(String sink) {
            this.sink = sink;
        }
    }

    /** Inline policy: network.* of the policy file. */
    public static class Network {

        /** Whether a database session that is not TLS is refused (true, the default) or only warned about (false). */
        private String requireTls;

        public String getRequireTls() {
            return requireTls;
        }

        public void setRequireTls(String requireTls) {
            this.requireTls = requireTls;
        }

        /** Whether the delegate URL must make the driver verify the server (default: as require-tls). */
        private String verifyServer;
        /** The oldest TLS version a session may use: "1.2" or "1.3" (default: the driver's own). */
        private String minTls;
        /** Whether the server must have seen a client certificate (default false). */
        private String requireClientCert;
        /** Delegate settings that load classes, run scripts or read files, allowed anyway (default none). */
        private List<String> allowDriverSettings = new ArrayList<>();

        public String getVerifyServer() {
            return verifyServer;
        }

        public void setVerifyServer(String verifyServer) {
            this.verifyServer = verifyServer;
        }

        public String getMinTls() {
            return minTls;
        }

        public void setMinTls(String minTls) {
            this.minTls = minTls;
        }

        public String getRequireClientCert() {
            return requireClientCert;
        }

        public void setRequireClientCert(String requireClientCert) {
            this.requireClientCert = requireClientCert;
        }

        public List<String> getAllowDriverSettings() {
            return allowDriverSettings;
        }

        public void setAllowDriverSettings(List<String> allowDriverSettings) {
            this.allowDriverSettings = allowDriverSettings;
        }
    }

    /** Inline policy: statements.* of the policy file. */
    public static class Statements {

        /** How many statement plans are cached by SQL text (default 10000). */
        private String cacheSize;

        public String getCacheSize() {
            return cacheSize;
        }

        public void setCacheSize(String cacheSize) {
            this.cacheSize = cacheSize;
        }
    }
}
