package dev.cloak.driver.jdbc;

import dev.cloak.keyring.KeyringException;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransientConnectionException;

/**
 * Turns keyring failures into SQLExceptions, one SQLState per {@link KeyringException.Kind} (each kind's Javadoc
 * says why): only an unreachable key store or KMS is transient. None is class 08, so pools keep the connection.
 */
final class KeyringFailures {

    private KeyringFailures() {
    }

    static SQLException toSqlException(KeyringException e) {
        return switch (e.kind()) {
            case UNAVAILABLE -> new SQLTransientConnectionException(e.getMessage(), "58030", e);
            case NO_SUCH_KEY -> new SQLNonTransientException(e.getMessage(), "58K01", e);
            case UNWRAP_FAILED -> new SQLNonTransientException(e.getMessage(), "58K02", e);
            case ACCESS_DENIED -> new SQLNonTransientException(e.getMessage(), "58K03", e);
            case ROLLED_BACK -> new SQLNonTransientException(e.getMessage(), "58K04", e);
            case INVALID -> new SQLNonTransientException(e.getMessage(), "F0000", e);
        };
    }
}
