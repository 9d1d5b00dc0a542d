package dev.cloak.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.charset.StandardCharsets;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Calendar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bases over a real driver (embedded H2): column 2 of every statement and result is "encrypted" with
 * a toy reversible transform (not crypto — it only has to differ from the plaintext), everything else is plain.
 */
class H2DelegationTest {

    private static final ColumnPolicy SECRET = new ColumnPolicy(null, "people", "secret", false, ColumnType.VARCHAR,
            EncryptionMode.RANDOMIZED, "people.secret", 0, 40);

    private Connection raw;
    private Connection connection;

    @BeforeEach
    void openDatabase() throws SQLException {
        raw = DriverManager.getConnection("jdbc:h2:mem:delegation;DB_CLOSE_DELAY=-1");
        try (Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE people (id INT PRIMARY KEY, secret VARBINARY(64), note VARCHAR(20))");
        }
        connection = new ToyConnection(raw);
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        try (Statement statement = raw.createStatement()) {
            statement.execute("DROP ALL OBJECTS");
        }
        connection.close();
    }

    @Test
    void encryptedParameterIsStoredTransformedAndReadBackAsPlaintext() throws SQLException {
        insert(1, "4111-1111", "plain note");

        try (Statement statement = raw.createStatement(); ResultSet rows = statement.executeQuery("SELECT secret, note FROM people")) {
            rows.next();
            assertThat(rows.getBytes(1)).isEqualTo(ToyCodec.encode("4111-1111")).isNotEqualTo("4111-1111".getBytes(StandardCharsets.UTF_8));
            assertThat(rows.getString(2)).isEqualTo("plain note");
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT id, secret, note FROM people WHERE id = ?")) {
            select.setInt(1, 1);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getStatement()).isSameAs(select);
                assertThat(rows.getString(2)).isEqualTo("4111-1111");
                assertThat(rows.getString("SECRET")).isEqualTo("4111-1111");
                assertThat(rows.getObject("secret")).isEqualTo("4111-1111");
                assertThat(rows.getString("note")).isEqualTo("plain note");
                assertThat(rows.getInt("id")).isEqualTo(1);
            }
        }
    }

    @Test
    void encryptedSqlNullReadsAsNullAndWasNullSaysSo() throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO people (id, secret, note) VALUES (?, ?, ?)")) {
            insert.setInt(1, 2);
            insert.setNull(2, Types.VARCHAR);
            insert.setString(3, "n");
            insert.executeUpdate();
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, secret, note FROM people")) {
            rows.next();
            assertThat(rows.getString(2)).isNull();
            assertThat(rows.wasNull()).isTrue();
            assertThat(rows.getString(3)).isEqualTo("n");
            assertThat(rows.wasNull()).isFalse();
        }
    }

    @Test
    void metaDataReportsTheLogicalTypeOfTheEncryptedColumnAndTheDatabaseTypeOfOthers() throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id, secret, note FROM people")) {
            ResultSetMetaData metaData = select.getMetaData();

            assertThat(metaData.getColumnType(2)).isEqualTo(Types.VARCHAR);
            assertThat(metaData.getColumnTypeName(2)).isEqualTo("VARCHAR");
            assertThat(metaData.getColumnClassName(2)).isEqualTo("java.lang.String");
            assertThat(metaData.getPrecision(2)).isEqualTo(40);
            assertThat(metaData.isCaseSensitive(2)).isTrue();
            assertThat(metaData.getColumnName(2)).isEqualTo("SECRET");
            assertThat(metaData.getTableName(2)).isEqualTo("PEOPLE");
            assertThat(metaData.getColumnType(1)).isEqualTo(Types.INTEGER);
            assertThat(metaData.getColumnType(3)).isEqualTo(Types.VARCHAR);
            assertThat(metaData.getPrecision(3)).isEqualTo(20);
        }
    }

    @Test
    void updatableResultSetEncryptsAnUpdatedColumn() throws SQLException {
        insert(3, "old", "x");
        try (Statement statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
             ResultSet rows = statement.executeQuery("SELECT id, secret, note FROM people")) {
            rows.next();
            rows.updateString("secret", "new secret");
            rows.updateRow();
        }
        try (Statement statement = raw.createStatement(); ResultSet rows = statement.executeQuery("SELECT secret FROM people")) {
            rows.next();
            assertThat(rows.getBytes(1)).isEqualTo(ToyCodec.encode("new secret"));
        }
    }

    @Test
    void unwrapReachesTheVendorConnection() throws SQLException {
        assertThat(connection.unwrap(org.h2.jdbc.JdbcConnection.class)).isSameAs(raw);
        assertThat(connection.isWrapperFor(org.h2.jdbc.JdbcConnection.class)).isTrue();
        assertThat(connection.unwrap(Connection.class)).isSameAs(connection);
    }

    @Test
    void databaseMetaDataResultsAreWrappedAndPointBackToTheWrapper() throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        assertThat(metaData.getConnection()).isSameAs(connection);
        try (ResultSet tables = metaData.getTables(null, null, "PEOPLE", new String[] {"TABLE", "BASE TABLE"})) {
            assertThat(tables).isInstanceOf(PlainResultSet.class);
            assertThat(tables.next()).isTrue();
            assertThat(tables.getString("TABLE_NAME")).isEqualTo("PEOPLE");
            assertThat(tables.getMetaData()).isInstanceOf(PlainResultSetMetaData.class);
        }
    }

    @Test
    void plainStatementsBehaveExactlyAsTheRawDriver() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("INSERT INTO people (id, note) VALUES (9, 'n')")).isEqualTo(1);
            assertThat(statement.getConnection()).isSameAs(connection);
            assertThat(statement.execute("SELECT note FROM people")).isTrue();
            try (ResultSet rows = statement.getResultSet()) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("n");
            }
            assertThat(statement.getMoreResults()).isFalse();
            assertThat(statement.getResultSet()).isNull();
        }
    }

    private void insert(int id, String secret, String note) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO people (id, secret, note) VALUES (?, ?, ?)")) {
            insert.setInt(1, id);
            insert.setString(2, secret);
            insert.setString(3, note);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    /** A reversible stand-in for encryption. */
    static final class ToyCodec {
        static byte[] encode(Object value) {
            byte[] bytes = value.toString().getBytes(StandardCharsets.UTF_8);
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] ^= 0x5A;
            }
            return bytes;
        }

        static String decode(byte[] bytes) {
            byte[] copy = bytes.clone();
            for (int k = 0; k < copy.length; k++) {
                copy[k] ^= 0x5A;
            }
            return new String(copy, StandardCharsets.UTF_8);
        }
    }

    static final class ToyConnection extends DelegatingConnection {
        ToyConnection(Connection delegate) {
            super(delegate);
        }

        @Override protected Statement wrapStatement(Statement statement) { return new ToyStatement(this, statement); }
        @Override protected PreparedStatement prepare(String sql, Prepare<PreparedStatement> prepare) throws SQLException { return new ToyPrepared(this, prepare.prepare(sql)); }
        @Override protected CallableStatement prepareCall(String sql, Prepare<CallableStatement> prepare) { throw new UnsupportedOperationException(); }
        @Override protected DatabaseMetaData wrapMetaData(DatabaseMetaData metaData) { return new ToyMetaData(this, metaData); }
    }

    static final class ToyStatement extends DelegatingStatement<Statement> {
        ToyStatement(Connection owner, Statement delegate) {
            super(owner, delegate);
        }

        @Override protected String sqlFor(String sql) { return sql; }
        @Override protected ResultSet wrapResultSet(ResultSet resultSet) { return new ToyResultSet(this, resultSet); }
        @Override protected ResultSet wrapGeneratedKeys(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
    }

    static final class ToyPrepared extends DelegatingPreparedStatement<PreparedStatement> {
        ToyPrepared(Connection owner, PreparedStatement delegate) {
            super(owner, delegate);
        }

        @Override protected boolean isEncrypted(int parameterIndex) { return parameterIndex == 2; }
        @Override protected void setEncrypted(int parameterIndex, Object value, int sqlType) throws SQLException { delegate.setBytes(parameterIndex, value == null ? null : ToyCodec.encode(value)); }
        @Override protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) { return new ToyResultMetaData(metaData); }
        @Override protected String sqlFor(String sql) { return sql; }
        @Override protected ResultSet wrapResultSet(ResultSet resultSet) { return new ToyResultSet(this, resultSet); }
        @Override protected ResultSet wrapGeneratedKeys(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
    }

    static final class ToyResultSet extends DelegatingResultSet {
        ToyResultSet(Statement owner, ResultSet delegate) {
            super(owner, delegate);
        }

        @Override protected boolean isEncrypted(int columnIndex) { return columnIndex == 2; }
        @Override protected int encryptedIndex(String columnLabel) { return columnLabel.equalsIgnoreCase("secret") ? 2 : 0; }

        @Override
        protected <T> T readEncrypted(int columnIndex, Class<T> type, Calendar cal) throws SQLException {
            byte[] cell = delegate.getBytes(columnIndex);
            return cell == null ? null : type.cast(ToyCodec.decode(cell));
        }

        @Override protected void updateEncrypted(int columnIndex, Object value, int sqlType) throws SQLException { delegate.updateBytes(columnIndex, value == null ? null : ToyCodec.encode(value)); }
        @Override protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) { return new ToyResultMetaData(metaData); }
    }

    static final class ToyResultMetaData extends DelegatingResultSetMetaData {
        ToyResultMetaData(ResultSetMetaData delegate) {
            super(delegate);
        }

        @Override protected ColumnPolicy encryptedColumn(int column) { return column == 2 ? SECRET : null; }
    }

    static final class ToyMetaData extends DelegatingDatabaseMetaData {
        ToyMetaData(Connection owner, DatabaseMetaData delegate) {
            super(owner, delegate);
        }

        @Override protected ResultSet wrapResultSet(ResultSet resultSet) { return new PlainResultSet(null, resultSet); }
    }
}
