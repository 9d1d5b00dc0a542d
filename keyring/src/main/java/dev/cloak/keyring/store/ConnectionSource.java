package dev.cloak.keyring.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens a fresh connection for the {@link DatabaseKeyStore}, which closes it after each operation;
 * typically {@code dataSource::getConnection} of the raw (not encrypting) data source.
 */
@FunctionalInterface
public interface ConnectionSource {

    /** Opens a new connection that the caller closes. */
    Connection open() throws SQLException;
}
