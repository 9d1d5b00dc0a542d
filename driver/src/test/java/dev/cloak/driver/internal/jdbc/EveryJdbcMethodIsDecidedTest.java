package dev.cloak.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.CloakDataSource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Proves that no JDBC call can fall through to an interface default or stay unimplemented on a base. */
class EveryJdbcMethodIsDecidedTest {

    static Stream<Arguments> basesAndInterfaces() {
        return Stream.of(
                Arguments.of(DelegatingConnection.class, Connection.class),
                Arguments.of(DelegatingStatement.class, Statement.class),
                Arguments.of(DelegatingPreparedStatement.class, PreparedStatement.class),
                Arguments.of(DelegatingCallableStatement.class, CallableStatement.class),
                Arguments.of(DelegatingResultSet.class, ResultSet.class),
                Arguments.of(PlainResultSet.class, ResultSet.class),
                Arguments.of(DelegatingResultSetMetaData.class, ResultSetMetaData.class),
                Arguments.of(PlainResultSetMetaData.class, ResultSetMetaData.class),
                Arguments.of(DelegatingDatabaseMetaData.class, DatabaseMetaData.class),
                Arguments.of(CloakDataSource.class, DataSource.class));
    }

    @ParameterizedTest(name = "{0} decides every method of {1}")
    @MethodSource("basesAndInterfaces")
    void everyInterfaceMethodIncludingDefaultsIsImplementedInCloak(Class<?> base, Class<?> iface) throws Exception {
        assertThat(iface.isAssignableFrom(base)).isTrue();
        List<String> undecided = new ArrayList<>();
        int checked = 0;
        for (Method method : iface.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            checked++;
            Method resolved = base.getMethod(method.getName(), method.getParameterTypes());
            boolean decided = !Modifier.isAbstract(resolved.getModifiers())
                    && resolved.getDeclaringClass().getName().startsWith("dev.cloak.");
            if (!decided) {
                undecided.add(method.getName() + Arrays.toString(method.getParameterTypes())
                        + " -> " + resolved.getDeclaringClass().getName());
            }
        }
        // DataSource has ten methods (its defaults included), every other wrapped interface more than fifteen
        assertThat(checked).isGreaterThan(iface == DataSource.class ? 9 : 15);
        assertThat(undecided).as("methods of %s not decided by %s", iface.getSimpleName(), base.getSimpleName()).isEmpty();
    }

    @ParameterizedTest(name = "{0} has hooks only beyond {1}")
    @MethodSource("basesAndInterfaces")
    void abstractMethodsOfABaseAreItsHooksNotInterfaceMethods(Class<?> base, Class<?> iface) {
        for (Class<?> type = base; type != Object.class; type = type.getSuperclass()) {
            for (Method method : type.getDeclaredMethods()) {
                if (Modifier.isAbstract(method.getModifiers())) {
                    assertThat(isInterfaceMethod(iface, method)).as(method.toString()).isFalse();
                }
            }
        }
    }

    private static boolean isInterfaceMethod(Class<?> iface, Method method) {
        try {
            iface.getMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
