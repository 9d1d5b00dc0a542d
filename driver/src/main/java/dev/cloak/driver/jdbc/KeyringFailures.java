package dev.cloak.driver.jdbc;

import dev.cloak.keyring.KeyringException;
import java.sql.SQLException;

/** Turns keyring failures into SQLExceptions: SQLState 58030 (never class 08, so pools keep the connection). */
final class KeyringFailures {

    private KeyringFailures() {
    }

    static SQLException toSqlException(KeyringException e) {
        return new SQLException(e.getMessage(), "58030", e);
    }
}
