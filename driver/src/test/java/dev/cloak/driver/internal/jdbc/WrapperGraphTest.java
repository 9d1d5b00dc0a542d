package dev.cloak.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Statements, result sets and metadata never leave the wrapper graph, and SQL text always passes sqlFor. */
class WrapperGraphTest {

    static Stream<Method> statementMethodsTakingSql() {
        return Arrays.stream(Statement.class.getMethods())
                .filter(m -> (m.getName().startsWith("execute") || m.getName().equals("addBatch"))
                        && m.getParameterCount() >= 1 && m.getParameterTypes()[0] == String.class)
                .sorted(Comparator.comparing(Method::toString));
    }

    static Stream<Method> prepareMethods() {
        return Arrays.stream(Connection.class.getMethods())
                .filter(m -> m.getName().equals("prepareStatement") || m.getName().equals("prepareCall"))
                .sorted(Comparator.comparing(Method::toString));
    }

    static Stream<Method> metaDataMethodsReturningResultSets() {
        return Arrays.stream(DatabaseMetaData.class.getMethods())
                .filter(m -> m.getReturnType() == ResultSet.class)
                .sorted(Comparator.comparing(Method::toString));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statementMethodsTakingSql")
    void everyStatementMethodTakingSqlSendsTheTextFromSqlFor(Method method) throws Exception {
        Recorder recorder = Recorder.answering((m, a) -> m.getName().equals("executeQuery")
                ? Recorder.record(ResultSet.class, Recorder.defaults()) : null);
        TestStatement statement = new TestStatement(Recorder.record(Connection.class, Recorder.defaults()),
                Recorder.record(Statement.class, recorder));
        Object[] args = Samples.argumentsFor(method, "SELECT 1");

        Object result = invoke(method, statement, args);

        Object[] sent = args.clone();
        sent[0] = "/* rewritten */ SELECT 1";
        assertThat(recorder.calls).containsExactly(new Recorder.Call(method.getName(), Arrays.asList(sent)));
        if (method.getName().equals("executeQuery")) {
            assertThat(result).isInstanceOf(PlainResultSet.class);
        }
    }

    @Test
    void statementBackReferencesAndResultsStayWrapped() throws SQLException {
        Connection owner = Recorder.record(Connection.class, Recorder.defaults());
        ResultSet keys = Recorder.record(ResultSet.class, Recorder.defaults());
        Recorder recorder = Recorder.answering((method, args) -> method.getName().equals("getGeneratedKeys") ? keys : null);
        TestStatement statement = new TestStatement(owner, Recorder.record(Statement.class, recorder));

        assertThat(statement.getConnection()).isSameAs(owner);
        assertThat(statement.getResultSet()).as("no current result stays null").isNull();
        ResultSet generated = statement.getGeneratedKeys();
        assertThat(generated).isInstanceOf(PlainResultSet.class);
        assertThat(generated.getStatement()).isSameAs(statement);
        assertThat(generated.unwrap(ResultSet.class)).isSameAs(generated);
        assertThat(statement.unwrap(Statement.class)).isSameAs(statement);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prepareMethods")
    void everyPrepareVariantGoesThroughItsHookWithTheOtherArgumentsKept(Method method) throws Exception {
        Recorder recorder = Recorder.defaults();
        TestConnection connection = new TestConnection(Recorder.record(Connection.class, recorder));
        Object[] args = Samples.argumentsFor(method, "SELECT ?");

        Object statement = invoke(method, connection, args);

        assertThat(connection.hookedSql).containsExactly("SELECT ?");
        Object[] sent = args.clone();
        sent[0] = "/* rewritten */ SELECT ?";
        assertThat(recorder.calls).containsExactly(new Recorder.Call(method.getName(), Arrays.asList(sent)));
        assertThat(statement).isInstanceOf(method.getName().equals("prepareCall") ? TestCallable.class : TestPrepared.class);
    }

    @Test
    void createStatementAndMetaDataAreWrapped() throws Exception {
        TestConnection connection = new TestConnection(Recorder.record(Connection.class, Recorder.answering((method, args) ->
                switch (method.getName()) {
                    case "createStatement" -> Recorder.record(Statement.class, Recorder.defaults());
                    case "getMetaData" -> Recorder.record(DatabaseMetaData.class, Recorder.defaults());
                    default -> null;
                })));

        assertThat(connection.createStatement()).isInstanceOf(TestStatement.class);
        assertThat(connection.createStatement(1003, 1007)).isInstanceOf(TestStatement.class);
        assertThat(connection.createStatement(1003, 1007, 1)).isInstanceOf(TestStatement.class);
        assertThat(connection.getMetaData()).isInstanceOf(TestMetaData.class);
        assertThat(connection.getMetaData().getConnection()).isSameAs(connection);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("metaDataMethodsReturningResultSets")
    void everyMetaDataResultSetIsWrapped(Method method) throws Exception {
        Recorder recorder = Recorder.answering((m, args) -> m.getReturnType() == ResultSet.class
                ? Recorder.record(ResultSet.class, Recorder.defaults()) : null);
        Connection owner = Recorder.record(Connection.class, Recorder.defaults());
        TestMetaData metaData = new TestMetaData(owner, Recorder.record(DatabaseMetaData.class, recorder));
        Object[] args = new Object[method.getParameterCount()];
        for (int k = 0; k < args.length; k++) {
            args[k] = Samples.sample(method.getParameterTypes()[k]);
        }

        Object result = invoke(method, metaData, args);

        assertThat(result).isInstanceOf(PlainResultSet.class);
        assertThat(recorder.calls).containsExactly(new Recorder.Call(method.getName(), Arrays.asList(args)));
    }

    @Test
    void unwrapAnswersCloakTypesItselfAndVendorTypesFromTheDelegate() throws SQLException {
        Recorder recorder = Recorder.answering((method, args) -> switch (method.getName()) {
            case "unwrap" -> "vendor connection";
            case "isWrapperFor" -> Boolean.TRUE;
            default -> null;
        });
        TestConnection connection = new TestConnection(Recorder.record(Connection.class, recorder));

        assertThat(connection.unwrap(Connection.class)).isSameAs(connection);
        assertThat(connection.unwrap(DelegatingConnection.class)).isSameAs(connection);
        assertThat(connection.isWrapperFor(DelegatingConnection.class)).isTrue();
        assertThat(recorder.calls).isEmpty();
        assertThat(connection.unwrap(CharSequence.class)).isEqualTo("vendor connection");
        assertThat(connection.isWrapperFor(CharSequence.class)).isTrue();
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Exception {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    static final class TestConnection extends DelegatingConnection {
        final List<String> hookedSql = new ArrayList<>();

        TestConnection(Connection delegate) {
            super(delegate);
        }

        @Override protected Statement wrapStatement(Statement statement) { return new TestStatement(this, statement); }
        @Override protected DatabaseMetaData wrapMetaData(DatabaseMetaData metaData) { return new TestMetaData(this, metaData); }

        @Override
        protected PreparedStatement prepare(String sql, Prepare<PreparedStatement> prepare) throws SQLException {
            hookedSql.add(sql);
            prepare.prepare("/* rewritten */ " + sql);
            return new TestPrepared(this, Recorder.record(PreparedStatement.class, Recorder.defaults()));
        }

        @Override
        protected CallableStatement prepareCall(String sql, Prepare<CallableStatement> prepare) throws SQLException {
            hookedSql.add(sql);
            prepare.prepare("/* rewritten */ " + sql);
            return new TestCallable(this, Recorder.record(CallableStatement.class, Recorder.defaults()));
        }
    }

    static final class TestStatement extends DelegatingStatement<Statement> {
        TestStatement(Connection owner, Statement delegate) {
            super(owner, delegate);
        }

        @Override protected String sqlFor(String sql) { return "/* rewritten */ " + sql; }
        @Override protected ResultSet wrapResultSet(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
        @Override protected ResultSet wrapGeneratedKeys(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
    }

    static final class TestPrepared extends DelegatingPreparedStatement<PreparedStatement> {
        TestPrepared(Connection owner, PreparedStatement delegate) {
            super(owner, delegate);
        }

        @Override protected void setEncrypted(int parameterIndex, Object value, int sqlType) { throw new AssertionError("nothing is encrypted"); }
        @Override protected java.sql.ResultSetMetaData wrapMetaData(java.sql.ResultSetMetaData metaData) { return new PlainResultSetMetaData(metaData); }
        @Override protected String sqlFor(String sql) { return sql; }
        @Override protected ResultSet wrapResultSet(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
        @Override protected ResultSet wrapGeneratedKeys(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
    }

    static final class TestCallable extends DelegatingCallableStatement {
        TestCallable(Connection owner, CallableStatement delegate) {
            super(owner, delegate);
        }

        @Override protected void setEncrypted(int parameterIndex, Object value, int sqlType) { throw new AssertionError("nothing is encrypted"); }
        @Override protected java.sql.ResultSetMetaData wrapMetaData(java.sql.ResultSetMetaData metaData) { return new PlainResultSetMetaData(metaData); }
        @Override protected String sqlFor(String sql) { return sql; }
        @Override protected ResultSet wrapResultSet(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
        @Override protected ResultSet wrapGeneratedKeys(ResultSet resultSet) { return new PlainResultSet(this, resultSet); }
    }

    static final class TestMetaData extends DelegatingDatabaseMetaData {
        TestMetaData(Connection owner, DatabaseMetaData delegate) {
            super(owner, delegate);
        }

        @Override protected ResultSet wrapResultSet(ResultSet resultSet) { return new PlainResultSet(null, resultSet); }
    }
}
