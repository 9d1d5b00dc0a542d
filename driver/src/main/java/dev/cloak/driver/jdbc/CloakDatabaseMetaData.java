package dev.cloak.driver.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;

/** Database metadata of a Cloak connection: its result sets and {@code getConnection()} are Cloak's. */
final class CloakDatabaseMetaData extends DelegatingDatabaseMetaData {

    private final EncryptingConnection connection;

    CloakDatabaseMetaData(EncryptingConnection connection, DatabaseMetaData delegate) {
        super(connection, delegate);
        this.connection = connection;
    }

    @Override
    protected ResultSet wrapResultSet(ResultSet resultSet) {
        return resultSet == null ? null : new DecryptingResultSet(null, resultSet, null, connection);
    }
}
