package dev.cloak.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PreparedStatementRoutingTest {

    /** The Types each setter must report to setEncrypted (setNull and int-typed setObject pass their own). */
    private static final Map<String, Integer> SETTER_TYPES = Map.ofEntries(
            Map.entry("setBoolean", Types.BOOLEAN), Map.entry("setByte", Types.TINYINT),
            Map.entry("setShort", Types.SMALLINT), Map.entry("setInt", Types.INTEGER),
            Map.entry("setLong", Types.BIGINT), Map.entry("setFloat", Types.REAL),
            Map.entry("setDouble", Types.DOUBLE), Map.entry("setBigDecimal", Types.DECIMAL),
            Map.entry("setString", Types.VARCHAR), Map.entry("setNString", Types.NVARCHAR),
            Map.entry("setBytes", Types.VARBINARY), Map.entry("setDate", Types.DATE),
            Map.entry("setTime", Types.TIME), Map.entry("setTimestamp", Types.TIMESTAMP),
            Map.entry("setAsciiStream", Types.LONGVARCHAR), Map.entry("setUnicodeStream", Types.LONGVARCHAR),
            Map.entry("setBinaryStream", Types.LONGVARBINARY), Map.entry("setCharacterStream", Types.LONGVARCHAR),
            Map.entry("setNCharacterStream", Types.LONGNVARCHAR), Map.entry("setBlob", Types.BLOB),
            Map.entry("setClob", Types.CLOB), Map.entry("setNClob", Types.NCLOB),
            Map.entry("setURL", Types.VARCHAR), Map.entry("setArray", Types.ARRAY),
            Map.entry("setRef", Types.REF), Map.entry("setRowId", Types.ROWID),
            Map.entry("setSQLXML", Types.SQLXML));

    /** Every setter of PreparedStatement (CallableStatement's named ones excluded) that takes a parameter index. */
    static Stream<Method> indexedSetters() {
        return Arrays.stream(PreparedStatement.class.getMethods())
                .filter(m -> m.getName().startsWith("set") && m.getParameterCount() >= 2
                        && m.getParameterTypes()[0] == int.class)
                .sorted(Comparator.comparing(Method::toString));
    }

    @Test
    void everyIndexedSetterIsCovered() {
        assertThat(indexedSetters().count()).isEqualTo(50);
        indexedSetters().filter(m -> !m.getName().equals("setNull") && !m.getName().equals("setObject"))
                .forEach(m -> assertThat(SETTER_TYPES).as(m.getName()).containsKey(m.getName()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("indexedSetters")
    void setterOnEncryptedParameterReachesSetEncryptedAndNeverTheDelegate(Method setter) throws Exception {
        Recorder recorder = Recorder.defaults();
        TestStatement statement = new TestStatement(Recorder.record(PreparedStatement.class, recorder), true);
        Object[] args = Samples.argumentsFor(setter, Samples.INDEX);

        invoke(setter, statement, args);

        assertThat(recorder.calls).as("delegate calls").isEmpty();
        assertThat(statement.bound).hasSize(1);
        Bound bound = statement.bound.get(0);
        assertThat(bound.index()).isEqualTo(Samples.INDEX);
        assertThat(bound.value()).isEqualTo(Samples.expectedValue(setter, args));
        assertThat(bound.sqlType()).isEqualTo(expectedType(setter));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("indexedSetters")
    void setterOnPlainParameterReachesTheDelegateUnchanged(Method setter) throws Exception {
        Recorder recorder = Recorder.defaults();
        TestStatement statement = new TestStatement(Recorder.record(PreparedStatement.class, recorder), false);
        Object[] args = Samples.argumentsFor(setter, Samples.INDEX);

        invoke(setter, statement, args);

        assertThat(statement.bound).isEmpty();
        assertThat(recorder.calls).containsExactly(new Recorder.Call(setter.getName(), Arrays.asList(args)));
    }

    @Test
    void calendarVariantsTurnIntoLocalValuesInTheCalendarsZone() throws SQLException {
        TestStatement statement = new TestStatement(Recorder.record(PreparedStatement.class, Recorder.defaults()), true);
        java.util.Calendar kiritimati = java.util.Calendar.getInstance(Samples.ZONE);

        statement.setTimestamp(1, Samples.TIMESTAMP, kiritimati);

        // Kiritimati is UTC+14, so the wall clock there is a different day from most of the world.
        assertThat(statement.bound.get(0).value())
                .isEqualTo(Samples.TIMESTAMP.toInstant().atZone(Samples.ZONE.toZoneId()).toLocalDateTime());
        assertThat(((java.time.LocalDateTime) statement.bound.get(0).value()).getNano()).isEqualTo(123456789);
    }

    @Test
    void streamShorterThanItsDeclaredLengthIsRefused() {
        TestStatement statement = new TestStatement(Recorder.record(PreparedStatement.class, Recorder.defaults()), true);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> statement.setBinaryStream(1,
                        new java.io.ByteArrayInputStream(new byte[] {1, 2}), 5))
                .isInstanceOf(SQLException.class);
        assertThat(statement.bound).isEmpty();
    }

    @Test
    void negativeStreamLengthIsRefused() {
        TestStatement statement = new TestStatement(Recorder.record(PreparedStatement.class, Recorder.defaults()), true);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> statement.setAsciiStream(1,
                        new java.io.ByteArrayInputStream(new byte[] {65}), -1))
                .isInstanceOf(SQLException.class).hasMessageContaining("negative");
        assertThat(statement.bound).isEmpty();
    }

    @Test
    void streamLongerThanItsDeclaredLengthIsCutAtTheLength() throws SQLException {
        TestStatement statement = new TestStatement(Recorder.record(PreparedStatement.class, Recorder.defaults()), true);

        statement.setCharacterStream(1, new java.io.StringReader("abcdef"), 4L);

        assertThat(statement.bound.get(0).value()).isEqualTo("abcd");
    }

    @Test
    void setObjectWithAVendorSqlTypeWithoutNumberReportsOther() throws SQLException {
        TestStatement statement = new TestStatement(Recorder.record(PreparedStatement.class, Recorder.defaults()), true);
        java.sql.SQLType vendorType = new java.sql.SQLType() {
            @Override public String getName() { return "VENDOR"; }
            @Override public String getVendor() { return "test"; }
            @Override public Integer getVendorTypeNumber() { return null; }
        };

        statement.setObject(1, "x", vendorType);

        assertThat(statement.bound.get(0).sqlType()).isEqualTo(Types.OTHER);
    }

    @Test
    void executeQueryAndMetaDataAreWrappedAndNullMetaDataStaysNull() throws SQLException {
        ResultSet rawResult = Recorder.record(ResultSet.class, Recorder.defaults());
        Recorder recorder = Recorder.answering((method, args) -> method.getName().equals("executeQuery") ? rawResult : null);
        TestStatement statement = new TestStatement(Recorder.record(PreparedStatement.class, recorder), false);

        ResultSet result = statement.executeQuery();

        assertThat(result).isInstanceOf(PlainResultSet.class);
        assertThat(result.getStatement()).isSameAs(statement);
        assertThat(statement.getMetaData()).isNull();
    }

    private static int expectedType(Method setter) {
        Class<?>[] types = setter.getParameterTypes();
        if (setter.getName().equals("setNull") || (setter.getName().equals("setObject") && types.length > 2 && types[2] == int.class)) {
            return Samples.LENGTH; // the int sample, passed through as the type
        }
        if (setter.getName().equals("setObject")) {
            return types.length == 2 ? Types.OTHER : JDBCType.BIGINT.getVendorTypeNumber();
        }
        return SETTER_TYPES.get(setter.getName());
    }

    private static void invoke(Method method, Object target, Object[] args) throws Exception {
        try {
            method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    record Bound(int index, Object value, int sqlType) {
    }

    /** A statement whose parameters are all encrypted (or all plain); it records what it was asked to bind. */
    static final class TestStatement extends DelegatingPreparedStatement<PreparedStatement> {
        final List<Bound> bound = new ArrayList<>();
        private final boolean encrypted;

        TestStatement(PreparedStatement delegate, boolean encrypted) {
            super(Recorder.record(Connection.class, Recorder.defaults()), delegate);
            this.encrypted = encrypted;
        }

        @Override protected boolean isEncrypted(int parameterIndex) { return encrypted; }
        @Override protected void setEncrypted(int parameterIndex, Object value, int sqlType) { bound.add(new Bound(parameterIndex, value, sqlType)); }
        @Override protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) { return new PlainResultSetMetaData(metaData); }
        @Override protected String sqlFor(String sql) { return sql; }
        @Override protected ResultSet wrapResultSet(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
        @Override protected ResultSet wrapGeneratedKeys(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
    }
}
