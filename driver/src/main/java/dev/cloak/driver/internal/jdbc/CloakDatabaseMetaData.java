package dev.cloak.driver.internal.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Database metadata of a Cloak connection: its result sets and {@code getConnection()} are Cloak's, and
 * {@link #getColumns} describes encrypted columns by their logical type, not their binary storage.
 */
final class CloakDatabaseMetaData extends DelegatingDatabaseMetaData {

    private final EncryptingConnection connection;

    CloakDatabaseMetaData(EncryptingConnection connection, DatabaseMetaData delegate) {
        super(connection, delegate);
        this.connection = connection;
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern)
            throws SQLException {
        ResultSet columns = delegate.getColumns(catalog, schemaPattern, tableNamePattern, columnNamePattern);
        return columns == null ? null : new LogicalColumnsResultSet(columns, connection.policy());
    }

    @Override
    protected ResultSet wrapResultSet(ResultSet resultSet) {
        return resultSet == null ? null : new DecryptingResultSet(null, resultSet, null, connection);
    }
}
