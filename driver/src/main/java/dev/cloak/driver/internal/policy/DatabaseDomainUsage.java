package dev.cloak.driver.internal.policy;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.keyring.DomainUsage;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.store.ConnectionSource;
import dev.cloak.keyring.store.DatabaseStates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * Answers the keyring's question before it creates a key: does any column of this key domain already hold a value?
 * For every encrypted column of the policy under the domain (the key's owner and the columns sharing its key) it
 * runs {@code SELECT 1 FROM table WHERE column IS NOT NULL}, naming the table as the application's SQL does (with
 * the policy's schema when it names one, else resolved by the connection's own schema or search path, as the
 * application's statements are), on connections of its own, so it sees committed rows only and never joins the
 * application's transaction. Nothing but the existence of a row is read.
 *
 * <p>It asks its connection sources in order: a source whose connection cannot be opened, lacks the table or fails
 * the query defers to the next one, so a small pool of the key store's (which should reach the same database) can
 * answer while the application's pool is busy, and the application's own database answers otherwise. The last
 * source's answer is final: a table or column that does not exist there holds no value, and any other failure fails
 * the check, so no key is created.
 */
public final class DatabaseDomainUsage implements DomainUsage {

    /**
     * The longest one check waits, in seconds. A lock on the table held by an open transaction (one that altered
     * it, perhaps the application's own, which is waiting for this key) would otherwise keep it waiting for ever.
     */
    static final int CHECK_TIMEOUT_SECONDS = 10;

    private final List<ColumnPolicy> columns;
    private final List<ConnectionSource> sources;

    /**
     * @param columns the policy's encrypted columns
     * @param sources open raw (not encrypting) connections, closed after use, asked in order; the last one opens a
     *                connection to the application's database
     */
    public DatabaseDomainUsage(List<ColumnPolicy> columns, ConnectionSource... sources) {
        this.columns = List.copyOf(columns);
        this.sources = List.of(sources);
        if (this.sources.isEmpty()) {
            throw new IllegalArgumentException("no connection source");
        }
    }

    @Override
    public Optional<String> columnWithValues(String domain) throws KeyringException {
        List<ColumnPolicy> sharing = columns.stream().filter(c -> c.keyDomain().equals(domain)).toList();
        for (ColumnPolicy column : sharing) {
            if (holdsValues(column)) {
                return Optional.of(column.name());
            }
        }
        return Optional.empty();
    }

    private boolean holdsValues(ColumnPolicy column) throws KeyringException {
        for (int i = 0; i < sources.size(); i++) {
            boolean last = i == sources.size() - 1;
            try (Connection connection = sources.get(i).open()) {
                Optional<Boolean> answer = ask(connection, column);
                if (answer.isPresent()) {
                    return answer.get();
                }
                if (last) {
                    // the application's own database has no such table or column: it holds no value
                    return false;
                }
            } catch (SQLException | RuntimeException e) {
                if (last) {
                    // fail closed: a key is created only when the check has shown that the columns hold nothing
                    throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "cannot check whether column "
                            + column.name() + " of key domain " + column.keyDomain()
                            + " holds values, so no key is created for it (if an open transaction altered its table,"
                            + " create the key first with 'cloak keys init', or alter the table and write the"
                            + " column's first value in separate transactions): " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalStateException("unreachable: the last source answers or throws");
    }

    /** Whether the column holds a value; empty when this connection has no such table or column. */
    private static Optional<Boolean> ask(Connection connection, ColumnPolicy column) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        // the query commits alone: a missing table must not leave a transaction aborted behind it
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.setMaxRows(1);
            statement.setQueryTimeout(CHECK_TIMEOUT_SECONDS);
            try (ResultSet rows = statement.executeQuery(select(connection, column))) {
                return Optional.of(rows.next());
            }
        } catch (SQLException e) {
            if (DatabaseStates.isNoSuchTable(e) || DatabaseStates.isNoSuchColumn(e)) {
                return Optional.empty();
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The query over the column as the application names it: unquoted names fold as the server folds them. */
    private static String select(Connection connection, ColumnPolicy column) throws SQLException {
        String quote = "";
        if (column.quoted()) {
            String q = connection.getMetaData().getIdentifierQuoteString();
            quote = q == null ? "" : q.strip();
        }
        String table = (column.schema() == null ? "" : quoted(column.schema(), quote) + ".")
                + quoted(column.table(), quote);
        return "SELECT 1 FROM " + table + " WHERE " + quoted(column.column(), quote) + " IS NOT NULL";
    }

    private static String quoted(String identifier, String quote) {
        return quote.isEmpty() ? identifier : quote + identifier.replace(quote, quote + quote) + quote;
    }

    @Override
    public String toString() {
        return "DatabaseDomainUsage[" + columns.size() + " columns]";
    }
}
