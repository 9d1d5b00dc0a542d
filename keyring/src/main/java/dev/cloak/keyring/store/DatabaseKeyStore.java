package dev.cloak.keyring.store;

import static dev.cloak.keyring.store.DatabaseStates.isAccessDenied;
import static dev.cloak.keyring.store.DatabaseStates.isDuplicateColumn;
import static dev.cloak.keyring.store.DatabaseStates.isNoSuchColumn;
import static dev.cloak.keyring.store.DatabaseStates.isNoSuchTable;
import static dev.cloak.keyring.store.DatabaseStates.isUniqueViolation;

import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.KeyVersionStatus;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.WrappedKeyset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps wrapped keysets in table {@code cloak_keys} of a database, on a connection of its own per
 * operation (never the application's transaction). The table is created, with SQL that runs on H2,
 * PostgreSQL and MariaDB, the first time a keyset is inserted; reading never needs DDL rights, so a
 * production role that may not create keys may still use them. Each domain has one {@code cloak_keys} row
 * (its whole Tink keyset, row version 1, and the keyset's generation) and, once key administration has touched
 * it, one row per key version in {@code cloak_key_versions}; a domain without those rows (stored before versions
 * were kept) stays readable and gets them on its first administrative change. A table written before generations
 * were kept has no {@code generation} column: it reads as generation 0, and the first write adds the column (which
 * needs the right to alter the table, once).
 */
public final class DatabaseKeyStore implements KeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseKeyStore.class);

    private static final int VERSION = 1;
    private static final String ACTIVE = "active";

    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS cloak_keys ("
            + "domain VARCHAR(255) NOT NULL, version INT NOT NULL, purpose VARCHAR(32) NOT NULL, "
            + "status VARCHAR(16) NOT NULL, master_key VARCHAR(1024) NOT NULL, keyset VARCHAR(8000) NOT NULL, "
            + "generation BIGINT DEFAULT 0 NOT NULL, created_at TIMESTAMP NOT NULL, PRIMARY KEY (domain, version))";
    private static final String PROBE_GENERATION = "SELECT generation FROM cloak_keys WHERE 1 = 0";
    private static final String ADD_GENERATION =
            "ALTER TABLE cloak_keys ADD COLUMN generation BIGINT DEFAULT 0 NOT NULL";
    private static final String SELECT = "SELECT purpose, master_key, keyset, generation FROM cloak_keys "
            + "WHERE domain = ? AND version = ? AND status = ?";
    private static final String SELECT_LEGACY = "SELECT purpose, master_key, keyset, 0 FROM cloak_keys "
            + "WHERE domain = ? AND version = ? AND status = ?";
    private static final String SELECT_ALL = "SELECT domain, purpose, master_key, keyset, generation "
            + "FROM cloak_keys WHERE version = ? AND status = ? ORDER BY domain";
    private static final String SELECT_ALL_LEGACY = "SELECT domain, purpose, master_key, keyset, 0 "
            + "FROM cloak_keys WHERE version = ? AND status = ? ORDER BY domain";
    private static final String CREATE_VERSIONS = "CREATE TABLE IF NOT EXISTS cloak_key_versions ("
            + "domain VARCHAR(255) NOT NULL, key_id BIGINT NOT NULL, seq_no INT NOT NULL, "
            + "status VARCHAR(16) NOT NULL, changed_at TIMESTAMP NOT NULL, created_at TIMESTAMP NULL, "
            + "PRIMARY KEY (domain, key_id))";
    private static final String SELECT_VERSIONS = "SELECT domain, key_id, status, created_at FROM cloak_key_versions "
            + "ORDER BY domain, seq_no";
    private static final String SELECT_VERSIONS_LEGACY = "SELECT domain, key_id, status, NULL FROM cloak_key_versions "
            + "ORDER BY domain, seq_no";
    private static final String PROBE_VERSION_CREATED = "SELECT created_at FROM cloak_key_versions WHERE 1 = 0";
    private static final String ADD_VERSION_CREATED =
            "ALTER TABLE cloak_key_versions ADD COLUMN created_at TIMESTAMP NULL";
    private static final String SELECT_DOMAIN_CREATED = "SELECT domain, created_at FROM cloak_keys "
            + "WHERE version = ? AND status = ?";
    private static final String INSERT_VERSION = "INSERT INTO cloak_key_versions "
            + "(domain, key_id, seq_no, status, changed_at, created_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP, ?)";
    private static final String DELETE_VERSIONS = "DELETE FROM cloak_key_versions WHERE domain = ?";
    private static final String UPDATE = "UPDATE cloak_keys SET keyset = ?, master_key = ?, purpose = ?, "
            + "generation = ? WHERE domain = ? AND version = ? AND status = ? AND keyset = ?";
    private static final String INSERT = "INSERT INTO cloak_keys "
            + "(domain, version, purpose, status, master_key, keyset, generation, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";

    private final ConnectionSource source;

    /** A store whose every operation opens (and closes) a connection from {@code source}. */
    public DatabaseKeyStore(ConnectionSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public Optional<WrappedKeyset> read(String domain) throws KeyringException {
        try (Connection connection = source.open()) {
            return select(connection, domain);
        } catch (SQLException e) {
            if (isNoSuchTable(e)) {
                return Optional.empty();
            }
            throw failure("cannot read the keyset of key domain " + domain, e);
        }
    }

    @Override
    public WrappedKeyset insertIfAbsent(WrappedKeyset keyset) throws KeyringException {
        try (Connection connection = source.open()) {
            boolean autoCommit = connection.getAutoCommit();
            // each statement commits alone: a unique violation must not abort a surrounding transaction
            connection.setAutoCommit(true);
            try {
                return insertOrReadWinner(connection, keyset);
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("cannot store the keyset of key domain " + keyset.domain(), e);
        }
    }

    private WrappedKeyset insertOrReadWinner(Connection connection, WrappedKeyset keyset)
            throws SQLException, KeyringException {
        try {
            insert(connection, keyset);
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return winner(connection, keyset.domain());
            }
            if (isNoSuchColumn(e)) {
                ensureGenerationColumn(connection);
            } else if (isNoSuchTable(e)) {
                createTable(connection);
            } else {
                throw e;
            }
            try {
                insert(connection, keyset);
            } catch (SQLException again) {
                if (!isUniqueViolation(again)) {
                    throw again;
                }
                return winner(connection, keyset.domain());
            }
        }
        LOG.info("Stored keyset of key domain {} in table cloak_keys", keyset.domain());
        return keyset;
    }

    private WrappedKeyset winner(Connection connection, String domain) throws SQLException, KeyringException {
        return select(connection, domain).orElseThrow(() -> new KeyringException(KeyringException.Kind.INVALID,
                "key domain " + domain + " has a keyset in cloak_keys that is not active (version " + VERSION + ")"));
    }

    /** Creates the table; concurrent creation can fail on PostgreSQL even with IF NOT EXISTS, so retry once. */
    private static void createTable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE_TABLE);
        } catch (SQLException first) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(CREATE_TABLE);
            } catch (SQLException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
        LOG.info("Created table cloak_keys");
    }

    private static Optional<WrappedKeyset> select(Connection connection, String domain) throws SQLException {
        try {
            return select(connection, domain, SELECT);
        } catch (SQLException e) {
            if (!isNoSuchColumn(e)) {
                throw e;
            }
            rollbackQuietly(connection, e);
            return select(connection, domain, SELECT_LEGACY);
        }
    }

    private static Optional<WrappedKeyset> select(Connection connection, String domain, String sql)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, domain);
            statement.setInt(2, VERSION);
            statement.setString(3, ACTIVE);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(keyset(domain, rows.getString(1), rows.getString(2), rows.getString(3),
                        rows.getLong(4)));
            }
        }
    }

    /** Adds column generation to a cloak_keys written before generations were kept; needs DDL rights, once. */
    private static void ensureGenerationColumn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery(PROBE_GENERATION).close();
            return;
        } catch (SQLException e) {
            if (!isNoSuchColumn(e)) {
                throw e;
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(ADD_GENERATION);
            LOG.info("Added column generation to table cloak_keys");
        } catch (SQLException e) {
            // another process added it meanwhile
            if (!isDuplicateColumn(e)) {
                throw e;
            }
        }
    }

    private static void insert(Connection connection, WrappedKeyset keyset) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            statement.setString(1, keyset.domain());
            statement.setInt(2, VERSION);
            statement.setString(3, keyset.purpose());
            statement.setString(4, ACTIVE);
            statement.setString(5, keyset.masterKeyUri());
            statement.setString(6, Base64.getEncoder().encodeToString(keyset.ciphertext()));
            statement.setLong(7, keyset.generation());
            statement.executeUpdate();
        }
    }

    @Override
    public List<StoredKeyDomain> list() throws KeyringException {
        try (Connection connection = source.open()) {
            List<WrappedKeyset> keysets;
            try {
                keysets = selectAll(connection, SELECT_ALL);
            } catch (SQLException e) {
                if (!isNoSuchColumn(e)) {
                    throw e;
                }
                rollbackQuietly(connection, e);
                keysets = selectAll(connection, SELECT_ALL_LEGACY);
            }
            Map<String, List<KeyVersion>> versions = allVersions(connection);
            Map<String, Instant> created = domainsCreated(connection);
            List<StoredKeyDomain> domains = new ArrayList<>();
            for (WrappedKeyset keyset : keysets) {
                domains.add(new StoredKeyDomain(keyset, versions.getOrDefault(keyset.domain(), List.of()),
                        created.get(keyset.domain())));
            }
            return domains;
        } catch (SQLException e) {
            if (isNoSuchTable(e)) {
                return List.of();
            }
            throw failure("cannot list the key domains", e);
        }
    }

    private static Map<String, List<KeyVersion>> allVersions(Connection connection) throws SQLException {
        try {
            return allVersions(connection, SELECT_VERSIONS);
        } catch (SQLException e) {
            if (!isNoSuchColumn(e)) {
                throw e;
            }
            rollbackQuietly(connection, e);
            return allVersions(connection, SELECT_VERSIONS_LEGACY);
        }
    }

    private static Map<String, List<KeyVersion>> allVersions(Connection connection, String sql) throws SQLException {
        Map<String, List<KeyVersion>> versions = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                versions.computeIfAbsent(rows.getString(1), d -> new ArrayList<>())
                        .add(version(rows.getLong(2), rows.getString(3), rows.getTimestamp(4)));
            }
        } catch (SQLException e) {
            if (!isNoSuchTable(e)) {
                throw e;
            }
        }
        return versions;
    }

    /** When each key domain was created (its row in cloak_keys), by domain. */
    private static Map<String, Instant> domainsCreated(Connection connection) throws SQLException {
        Map<String, Instant> created = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(SELECT_DOMAIN_CREATED)) {
            statement.setInt(1, VERSION);
            statement.setString(2, ACTIVE);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Timestamp at = rows.getTimestamp(2);
                    if (at != null) {
                        created.put(rows.getString(1), at.toInstant());
                    }
                }
            }
        }
        return created;
    }

    private static List<WrappedKeyset> selectAll(Connection connection, String sql) throws SQLException {
        List<WrappedKeyset> keysets = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, VERSION);
            statement.setString(2, ACTIVE);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keysets.add(keyset(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getLong(5)));
                }
            }
        }
        return keysets;
    }

    @Override
    public Optional<StoredKeyDomain> readDomain(String domain) throws KeyringException {
        try (Connection connection = source.open()) {
            Optional<WrappedKeyset> keyset = select(connection, domain);
            if (keyset.isEmpty()) {
                return Optional.empty();
            }
            List<KeyVersion> versions = allVersions(connection).getOrDefault(domain, List.of());
            return Optional.of(new StoredKeyDomain(keyset.get(), versions, domainsCreated(connection).get(domain)));
        } catch (SQLException e) {
            if (isNoSuchTable(e)) {
                return Optional.empty();
            }
            throw failure("cannot read key domain " + domain, e);
        }
    }

    @Override
    public StoredKeyDomain create(StoredKeyDomain domain) throws KeyringException {
        try (Connection connection = source.open()) {
            boolean autoCommit = connection.getAutoCommit();
            try {
                connection.setAutoCommit(true);
                createTables(connection);
                connection.setAutoCommit(false);
                try {
                    insert(connection, domain.keyset());
                } catch (SQLException e) {
                    connection.rollback();
                    if (!isUniqueViolation(e)) {
                        throw e;
                    }
                    // another process created the domain first: its keyset is the one
                    Optional<StoredKeyDomain> winner = readDomain(domain.domain());
                    return winner.orElseThrow(() -> e);
                }
                insertVersions(connection, domain);
                connection.commit();
                LOG.info("Stored keyset of key domain {} in table cloak_keys", domain.domain());
                return domain;
            } catch (SQLException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("cannot store key domain " + domain.domain(), e);
        }
    }

    @Override
    public boolean replace(StoredKeyDomain expected, StoredKeyDomain updated) throws KeyringException {
        if (!expected.domain().equals(updated.domain())) {
            throw new IllegalArgumentException("replace must keep the key domain");
        }
        try (Connection connection = source.open()) {
            boolean autoCommit = connection.getAutoCommit();
            try {
                connection.setAutoCommit(true);
                createTables(connection);
                connection.setAutoCommit(false);
                WrappedKeyset keyset = updated.keyset();
                int changed;
                try (PreparedStatement statement = connection.prepareStatement(UPDATE)) {
                    statement.setString(1, Base64.getEncoder().encodeToString(keyset.ciphertext()));
                    statement.setString(2, keyset.masterKeyUri());
                    statement.setString(3, keyset.purpose());
                    statement.setLong(4, keyset.generation());
                    statement.setString(5, keyset.domain());
                    statement.setInt(6, VERSION);
                    statement.setString(7, ACTIVE);
                    statement.setString(8, Base64.getEncoder().encodeToString(expected.keyset().ciphertext()));
                    changed = statement.executeUpdate();
                }
                if (changed != 1) {
                    connection.rollback();
                    return false;
                }
                try (PreparedStatement statement = connection.prepareStatement(DELETE_VERSIONS)) {
                    statement.setString(1, updated.domain());
                    statement.executeUpdate();
                }
                insertVersions(connection, updated);
                connection.commit();
                LOG.info("Updated key domain {} in table cloak_keys", updated.domain());
                return true;
            } catch (SQLException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("cannot update key domain " + updated.domain(), e);
        }
    }

    private static void createTables(Connection connection) throws SQLException {
        createTable(connection);
        ensureGenerationColumn(connection);
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE_VERSIONS);
        } catch (SQLException first) {
            // concurrent creation can fail on PostgreSQL even with IF NOT EXISTS: retry once
            try (Statement statement = connection.createStatement()) {
                statement.execute(CREATE_VERSIONS);
            }
        }
        ensureVersionCreatedColumn(connection);
    }

    /** Adds column created_at to a cloak_key_versions written before versions had a creation time; once. */
    private static void ensureVersionCreatedColumn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery(PROBE_VERSION_CREATED).close();
            return;
        } catch (SQLException e) {
            if (!isNoSuchColumn(e)) {
                throw e;
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(ADD_VERSION_CREATED);
            LOG.info("Added column created_at to table cloak_key_versions");
        } catch (SQLException e) {
            if (!isDuplicateColumn(e)) {
                throw e;
            }
        }
    }

    private static void insertVersions(Connection connection, StoredKeyDomain domain) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_VERSION)) {
            int position = 0;
            for (KeyVersion version : domain.versions()) {
                statement.setString(1, domain.domain());
                statement.setLong(2, Integer.toUnsignedLong(version.id()));
                statement.setInt(3, position++);
                statement.setString(4, version.status().storedName());
                statement.setTimestamp(5, version.createdAt() == null ? null : Timestamp.from(version.createdAt()));
                statement.addBatch();
            }
            if (position > 0) {
                statement.executeBatch();
            }
        }
    }

    private static KeyVersion version(long id, String status, Timestamp createdAt) throws SQLException {
        KeyVersionStatus parsed = KeyVersionStatus.fromStoredName(status);
        if (parsed == null || id < 0 || id > 0xFFFFFFFFL) {
            throw new ForeignContent("cloak_key_versions holds a row that is not a Cloak key version");
        }
        return new KeyVersion((int) id, parsed, createdAt == null ? null : createdAt.toInstant());
    }

    private static WrappedKeyset keyset(String domain, String purpose, String master, String keyset,
                                        long generation) throws SQLException {
        byte[] wrapped;
        try {
            wrapped = Base64.getDecoder().decode(keyset);
        } catch (IllegalArgumentException badBase64) {
            throw new ForeignContent("column keyset of cloak_keys is not base64 for key domain " + domain);
        }
        if (generation < 0) {
            throw new ForeignContent("column generation of cloak_keys is negative for key domain " + domain);
        }
        return new WrappedKeyset(domain, purpose, wrapped, master, generation);
    }

    private static void rollbackQuietly(Connection connection, SQLException failure) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * The kind of a failed store operation: rows that are not Cloak's are {@link KeyringException.Kind#INVALID}, a
     * role the database refuses is {@link KeyringException.Kind#ACCESS_DENIED}, anything else (no connection, a
     * timeout, a lock, a server going away) {@link KeyringException.Kind#UNAVAILABLE}.
     */
    private static KeyringException failure(String message, SQLException cause) {
        if (cause instanceof ForeignContent) {
            return new KeyringException(KeyringException.Kind.INVALID, "key store holds rows that are not Cloak's: "
                    + message + " (" + cause.getMessage() + ")");
        }
        if (isAccessDenied(cause)) {
            return new KeyringException(KeyringException.Kind.ACCESS_DENIED,
                    "key store refused this database role: " + message, cause);
        }
        return new KeyringException(KeyringException.Kind.UNAVAILABLE, "key store unavailable: " + message, cause);
    }

    /** A row whose content Cloak never writes: not an outage, so never reported as one. */
    private static final class ForeignContent extends SQLException {
        private static final long serialVersionUID = 1L;

        ForeignContent(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "DatabaseKeyStore[cloak_keys]";
    }
}
