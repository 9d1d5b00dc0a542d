package dev.cloak.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResultSetRoutingTest {

    /** The type each getter must ask readEncrypted for (getObject(i, Class) asks for its own class). */
    private static final Map<String, Class<?>> READ_TYPES = Map.ofEntries(
            Map.entry("getString", String.class), Map.entry("getNString", String.class),
            Map.entry("getBoolean", Boolean.class), Map.entry("getByte", Byte.class),
            Map.entry("getShort", Short.class), Map.entry("getInt", Integer.class),
            Map.entry("getLong", Long.class), Map.entry("getFloat", Float.class),
            Map.entry("getDouble", Double.class), Map.entry("getBigDecimal", BigDecimal.class),
            Map.entry("getBytes", byte[].class), Map.entry("getDate", Date.class),
            Map.entry("getTime", Time.class), Map.entry("getTimestamp", Timestamp.class),
            Map.entry("getObject", Object.class), Map.entry("getAsciiStream", String.class),
            Map.entry("getUnicodeStream", String.class), Map.entry("getCharacterStream", String.class),
            Map.entry("getNCharacterStream", String.class), Map.entry("getClob", String.class),
            Map.entry("getNClob", String.class), Map.entry("getBinaryStream", byte[].class),
            Map.entry("getBlob", byte[].class), Map.entry("getArray", Array.class),
            Map.entry("getRef", Ref.class), Map.entry("getRowId", RowId.class),
            Map.entry("getSQLXML", SQLXML.class), Map.entry("getURL", URL.class));

    private static final Map<String, Integer> UPDATE_TYPES = Map.ofEntries(
            Map.entry("updateNull", Types.NULL), Map.entry("updateBoolean", Types.BOOLEAN),
            Map.entry("updateByte", Types.TINYINT), Map.entry("updateShort", Types.SMALLINT),
            Map.entry("updateInt", Types.INTEGER), Map.entry("updateLong", Types.BIGINT),
            Map.entry("updateFloat", Types.REAL), Map.entry("updateDouble", Types.DOUBLE),
            Map.entry("updateBigDecimal", Types.DECIMAL), Map.entry("updateString", Types.VARCHAR),
            Map.entry("updateNString", Types.NVARCHAR), Map.entry("updateBytes", Types.VARBINARY),
            Map.entry("updateDate", Types.DATE), Map.entry("updateTime", Types.TIME),
            Map.entry("updateTimestamp", Types.TIMESTAMP), Map.entry("updateAsciiStream", Types.LONGVARCHAR),
            Map.entry("updateBinaryStream", Types.LONGVARBINARY), Map.entry("updateCharacterStream", Types.LONGVARCHAR),
            Map.entry("updateNCharacterStream", Types.LONGNVARCHAR), Map.entry("updateBlob", Types.BLOB),
            Map.entry("updateClob", Types.CLOB), Map.entry("updateNClob", Types.NCLOB),
            Map.entry("updateArray", Types.ARRAY), Map.entry("updateRef", Types.REF),
            Map.entry("updateRowId", Types.ROWID), Map.entry("updateSQLXML", Types.SQLXML));

    static Stream<Method> columnMethods(String prefix, Class<?> first) {
        return Arrays.stream(ResultSet.class.getMethods())
                .filter(m -> m.getName().startsWith(prefix) && m.getParameterCount() >= 1 && m.getParameterTypes()[0] == first)
                .sorted(Comparator.comparing(Method::toString));
    }

    static Stream<Method> gettersByIndex() { return columnMethods("get", int.class); }
    static Stream<Method> gettersByLabel() { return columnMethods("get", String.class); }
    static Stream<Method> updatersByIndex() { return columnMethods("update", int.class); }
    static Stream<Method> updatersByLabel() { return columnMethods("update", String.class); }

    @Test
    void everyColumnMethodIsCovered() {
        assertThat(gettersByIndex().count()).isEqualTo(34);
        assertThat(gettersByLabel().count()).isEqualTo(34);
        assertThat(updatersByIndex().count()).isEqualTo(43);
        assertThat(updatersByLabel().count()).isEqualTo(43);
        gettersByIndex().forEach(m -> assertThat(READ_TYPES).containsKey(m.getName()));
        updatersByIndex().filter(m -> !m.getName().equals("updateObject"))
                .forEach(m -> assertThat(UPDATE_TYPES).containsKey(m.getName()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gettersByIndex")
    void getterByIndexOnEncryptedColumnDecryptsAndNeverAsksTheDelegate(Method getter) throws Exception {
        assertEncryptedRead(getter, Samples.INDEX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gettersByLabel")
    void getterByLabelOnEncryptedColumnDecryptsThroughItsIndex(Method getter) throws Exception {
        assertEncryptedRead(getter, Samples.LABEL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"gettersByIndex", "gettersByLabel"})
    void getterOnPlainColumnReachesTheDelegateUnchanged(Method getter) throws Exception {
        Recorder recorder = Recorder.defaults();
        TestResultSet resultSet = new TestResultSet(Recorder.record(ResultSet.class, recorder), false);
        Object[] args = Samples.argumentsFor(getter, getter.getParameterTypes()[0] == int.class ? Samples.INDEX : Samples.LABEL);

        invoke(getter, resultSet, args);

        assertThat(resultSet.reads).isEmpty();
        assertThat(recorder.calls).containsExactly(new Recorder.Call(getter.getName(), Arrays.asList(args)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"updatersByIndex", "updatersByLabel"})
    void updaterOnEncryptedColumnReachesUpdateEncryptedAndNeverTheDelegate(Method updater) throws Exception {
        Recorder recorder = Recorder.defaults();
        TestResultSet resultSet = new TestResultSet(Recorder.record(ResultSet.class, recorder), true);
        Object[] args = Samples.argumentsFor(updater, updater.getParameterTypes()[0] == int.class ? Samples.INDEX : Samples.LABEL);

        invoke(updater, resultSet, args);

        assertThat(recorder.calls).as("delegate calls").isEmpty();
        assertThat(resultSet.updates).hasSize(1);
        Update update = resultSet.updates.get(0);
        assertThat(update.index()).isEqualTo(Samples.INDEX);
        assertThat(update.value()).isEqualTo(updater.getParameterCount() == 1 ? null : Samples.expectedValue(updater, args));
        assertThat(update.sqlType()).isEqualTo(expectedType(updater));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"updatersByIndex", "updatersByLabel"})
    void updaterOnPlainColumnReachesTheDelegateUnchanged(Method updater) throws Exception {
        Recorder recorder = Recorder.defaults();
        TestResultSet resultSet = new TestResultSet(Recorder.record(ResultSet.class, recorder), false);
        Object[] args = Samples.argumentsFor(updater, updater.getParameterTypes()[0] == int.class ? Samples.INDEX : Samples.LABEL);

        invoke(updater, resultSet, args);

        assertThat(resultSet.updates).isEmpty();
        assertThat(recorder.calls).containsExactly(new Recorder.Call(updater.getName(), Arrays.asList(args)));
    }

    @Test
    void wasNullAfterAnEncryptedReadAnswersForThatReadWithoutAskingTheDelegate() throws SQLException {
        Recorder recorder = Recorder.answering((method, args) -> method.getName().equals("wasNull") ? Boolean.TRUE : null);
        TestResultSet resultSet = new TestResultSet(Recorder.record(ResultSet.class, recorder), true);
        resultSet.nextValue = 42;

        assertThat(resultSet.getInt(1)).isEqualTo(42);
        assertThat(resultSet.wasNull()).isFalse();
        resultSet.nextValue = null;
        assertThat(resultSet.getString(1)).isNull();
        assertThat(resultSet.wasNull()).isTrue();
        assertThat(recorder.calls).isEmpty();
    }

    @Test
    void wasNullAfterAPlainReadAsksTheDelegate() throws SQLException {
        Recorder recorder = Recorder.answering((method, args) -> method.getName().equals("wasNull") ? Boolean.TRUE : null);
        MixedResultSet resultSet = new MixedResultSet(Recorder.record(ResultSet.class, recorder));
        resultSet.getInt(1); // encrypted, not null
        assertThat(resultSet.wasNull()).isFalse();

        resultSet.getInt(2); // plain: the delegate says null

        assertThat(resultSet.wasNull()).isTrue();
        assertThat(recorder.callsStartingWith("wasNull")).hasSize(1);
    }

    @Test
    void encryptedSqlNullReadsAsZeroOrFalseForPrimitives() throws SQLException {
        TestResultSet resultSet = new TestResultSet(Recorder.record(ResultSet.class, Recorder.defaults()), true);
        resultSet.nextValue = null;

        assertThat(resultSet.getInt(1)).isZero();
        assertThat(resultSet.getLong(1)).isZero();
        assertThat(resultSet.getDouble(1)).isZero();
        assertThat(resultSet.getBoolean(1)).isFalse();
        assertThat(resultSet.getBytes(1)).isNull();
        assertThat(resultSet.getBinaryStream(1)).isNull();
        assertThat(resultSet.getClob(1)).isNull();
        assertThat(resultSet.wasNull()).isTrue();
    }

    @Test
    void getBigDecimalWithScaleRoundsHalfUp() throws SQLException {
        TestResultSet resultSet = new TestResultSet(Recorder.record(ResultSet.class, Recorder.defaults()), true);
        resultSet.nextValue = new BigDecimal("2.345");

        @SuppressWarnings("deprecation")
        BigDecimal value = resultSet.getBigDecimal(1, 2);

        assertThat(value).isEqualTo(new BigDecimal("2.35"));
    }

    @Test
    void getStatementReturnsTheWrapperAndUnwrapReachesTheDelegate() throws SQLException {
        Statement owner = Recorder.record(Statement.class, Recorder.defaults());
        Recorder recorder = Recorder.answering((method, args) -> switch (method.getName()) {
            case "unwrap" -> "vendor object";
            case "isWrapperFor" -> Boolean.TRUE;
            default -> null;
        });
        ResultSet resultSet = new PlainResultSet(owner, Recorder.record(ResultSet.class, recorder));

        assertThat(resultSet.getStatement()).isSameAs(owner);
        assertThat(resultSet.unwrap(ResultSet.class)).isSameAs(resultSet);
        assertThat(resultSet.unwrap(DelegatingResultSet.class)).isSameAs(resultSet);
        assertThat(resultSet.isWrapperFor(ResultSet.class)).isTrue();
        assertThat(recorder.calls).isEmpty();
        assertThat(resultSet.unwrap(CharSequence.class)).isEqualTo("vendor object");
        assertThat(resultSet.isWrapperFor(CharSequence.class)).isTrue();
        assertThat(recorder.callsStartingWith("unwrap", "isWrapperFor")).hasSize(2);
    }

    @Test
    void plainResultSetRefusesToDecrypt() {
        PlainResultSet resultSet = new PlainResultSet(null, Recorder.record(ResultSet.class, Recorder.defaults()));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> resultSet.readEncrypted(1, String.class, null))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> resultSet.updateEncrypted(1, "x", Types.VARCHAR))
                .isInstanceOf(IllegalStateException.class);
    }

    private static void assertEncryptedRead(Method getter, Object column) throws Exception {
        Recorder recorder = Recorder.defaults();
        TestResultSet resultSet = new TestResultSet(Recorder.record(ResultSet.class, recorder), true);
        Object[] args = Samples.argumentsFor(getter, column);
        Class<?> expectedType = getter.getName().equals("getObject") && getter.getParameterTypes()[getter.getParameterCount() - 1] == Class.class
                ? (Class<?>) args[args.length - 1] : READ_TYPES.get(getter.getName());
        resultSet.nextValue = sampleFor(expectedType);

        Object result = invoke(getter, resultSet, args);

        assertThat(recorder.calls).as("delegate calls").isEmpty();
        assertThat(resultSet.reads).hasSize(1);
        Read read = resultSet.reads.get(0);
        assertThat(read.index()).isEqualTo(Samples.INDEX);
        assertThat(read.type()).isEqualTo(expectedType);
        Object calendar = getter.getParameterTypes()[getter.getParameterCount() - 1] == Calendar.class ? args[args.length - 1] : null;
        assertThat(read.cal()).isSameAs(calendar);
        assertThat(contentOf(getter, result)).isEqualTo(resultSet.nextValue instanceof byte[] bytes
                ? new String(bytes, StandardCharsets.US_ASCII) : resultSet.nextValue);
        assertThat(resultSet.wasNull()).isFalse();
    }

    private static Object sampleFor(Class<?> type) throws SQLException {
        if (type == String.class) {
            return Samples.CONTENT;
        }
        if (type == byte[].class) {
            return Samples.CONTENT.getBytes(StandardCharsets.US_ASCII);
        }
        if (type == Boolean.class) {
            return true;
        }
        if (type == Byte.class) {
            return (byte) 42;
        }
        if (type == Short.class) {
            return (short) 42;
        }
        if (type == Integer.class) {
            return 42;
        }
        if (type == Long.class) {
            return 42L;
        }
        if (type == Float.class) {
            return 4.5f;
        }
        if (type == Double.class) {
            return 4.5d;
        }
        if (type == BigDecimal.class) {
            return new BigDecimal("1.500"); // scale 3 = the int sample, so getBigDecimal(i, 3) keeps it
        }
        return Samples.sample(type);
    }

    /** The value a getter returned, with streams, readers and LOBs read back into a String. */
    private static Object contentOf(Method getter, Object result) throws Exception {
        if (result instanceof InputStream in) {
            byte[] bytes = in.readAllBytes();
            return new String(bytes, getter.getName().equals("getUnicodeStream") ? StandardCharsets.UTF_16BE : StandardCharsets.US_ASCII);
        }
        if (result instanceof Reader reader) {
            StringBuilder text = new StringBuilder();
            int c;
            while ((c = reader.read()) >= 0) {
                text.append((char) c);
            }
            return text.toString();
        }
        if (result instanceof Blob blob) {
            return new String(blob.getBytes(1, (int) blob.length()), StandardCharsets.US_ASCII);
        }
        if (result instanceof Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        if (result instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        return result;
    }

    private static int expectedType(Method updater) {
        if (updater.getName().equals("updateObject")) {
            boolean sqlType = Arrays.asList(updater.getParameterTypes()).contains(java.sql.SQLType.class);
            return sqlType ? JDBCType.BIGINT.getVendorTypeNumber() : Types.OTHER;
        }
        return UPDATE_TYPES.get(updater.getName());
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Exception {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    record Read(int index, Class<?> type, Calendar cal) {
    }

    record Update(int index, Object value, int sqlType) {
    }

    /** A result set whose columns are all encrypted (or all plain); label {@link Samples#LABEL} is column {@link Samples#INDEX}. */
    static class TestResultSet extends DelegatingResultSet {
        final List<Read> reads = new ArrayList<>();
        final List<Update> updates = new ArrayList<>();
        Object nextValue = "abc";
        private final boolean encrypted;

        TestResultSet(ResultSet delegate, boolean encrypted) {
            super(null, delegate);
            this.encrypted = encrypted;
        }

        @Override protected boolean isEncrypted(int columnIndex) { return encrypted; }
        @Override protected int encryptedIndex(String columnLabel) { return encrypted && columnLabel.equals(Samples.LABEL) ? Samples.INDEX : 0; }
        @Override protected <T> T readEncrypted(int columnIndex, Class<T> type, Calendar cal) { reads.add(new Read(columnIndex, type, cal)); return type.cast(nextValue); }
        @Override protected void updateEncrypted(int columnIndex, Object value, int sqlType) { updates.add(new Update(columnIndex, value, sqlType)); }
        @Override protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) { return new PlainResultSetMetaData(metaData); }
    }

    /** Column 1 encrypted (always 7), every other column plain. */
    static final class MixedResultSet extends TestResultSet {
        MixedResultSet(ResultSet delegate) {
            super(delegate, true);
            nextValue = 7;
        }

        @Override protected boolean isEncrypted(int columnIndex) { return columnIndex == 1; }
    }
}
