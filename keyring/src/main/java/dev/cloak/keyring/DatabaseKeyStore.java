package dev.cloak.keyring;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps wrapped keysets in table {@code cloak_keys} of a database, on a connection of its own per
 * operation (never the application's transaction). The table is created, with SQL that runs on H2,
 * PostgreSQL and MariaDB, the first time a keyset is inserted; reading never needs DDL rights, so a
 * production role that may not create keys may still use them.
 */
public final class DatabaseKeyStore implements KeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseKeyStore.class);

    private static final int VERSION = 1;
    private static final String ACTIVE = "active";

    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS cloak_keys ("
            + "domain VARCHAR(255) NOT NULL, version INT NOT NULL, purpose VARCHAR(32) NOT NULL, "
            + "status VARCHAR(16) NOT NULL, master_key VARCHAR(1024) NOT NULL, keyset VARCHAR(8000) NOT NULL, "
            + "created_at TIMESTAMP NOT NULL, PRIMARY KEY (domain, version))";
    private static final String SELECT = "SELECT purpose, master_key, keyset FROM cloak_keys "
            + "WHERE domain = ? AND version = ? AND status = ?";
    private static final String INSERT = "INSERT INTO cloak_keys "
            + "(domain, version, purpose, status, master_key, keyset, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";

    // "table does not exist": PostgreSQL; MariaDB/MySQL and H2; H2 when the schema is still empty
    private static final Set<String> NO_SUCH_TABLE = Set.of("42P01", "42S02", "42S04");

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
            throw unavailable("cannot read the keyset of key domain " + domain, e);
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
            throw unavailable("cannot store the keyset of key domain " + keyset.domain(), e);
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
            if (!isNoSuchTable(e)) {
                throw e;
            }
            createTable(connection);
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
        return select(connection, domain).orElseThrow(() -> new KeyringException(KeyringException.Kind.UNAVAILABLE,
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
        try (PreparedStatement statement = connection.prepareStatement(SELECT)) {
            statement.setString(1, domain);
            statement.setInt(2, VERSION);
            statement.setString(3, ACTIVE);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new WrappedKeyset(domain, rows.getString(1),
                        Base64.getDecoder().decode(rows.getString(3)), rows.getString(2)));
            }
        } catch (IllegalArgumentException badBase64) {
            throw new SQLException("column keyset of cloak_keys is not base64 for key domain " + domain);
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
            statement.executeUpdate();
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("23");
    }

    private static boolean isNoSuchTable(SQLException e) {
        return e.getSQLState() != null && NO_SUCH_TABLE.contains(e.getSQLState());
    }

    private static KeyringException unavailable(String message, SQLException cause) {
        return new KeyringException(KeyringException.Kind.UNAVAILABLE, "key store unavailable: " + message, cause);
    }

    @Override
    public String toString() {
        return "DatabaseKeyStore[cloak_keys]";
    }
}
