package dev.cloak.driver.network;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The delegate settings of a target {@link DataSource}, read through its public getters before it opens a connection:
 * the JDBC URL ({@code getJdbcUrl} of HikariCP, {@code getUrl} of pgjdbc's — whose URL carries every property set on
 * it —, MariaDB's and Spring's, {@code getURL} of H2's) and connection properties ({@code getDataSourceProperties},
 * {@code getConnectionProperties}). A HikariCP pool over another data source is read through to that one.
 */
public final class TargetSettings {

    private static final int MAX_DEPTH = 4;

    private TargetSettings() {
    }

    /** The settings of {@code target}, or empty when Cloak cannot read its URL. */
    public static Optional<DelegateSettings> of(DataSource target) {
        return read(target, 0);
    }

    private static Optional<DelegateSettings> read(Object target, int depth) {
        if (target == null || depth > MAX_DEPTH) {
            return Optional.empty();
        }
        String url = null;
        for (String getter : new String[] {"getJdbcUrl", "getUrl", "getURL"}) {
            Object value = call(target, getter);
            if (value instanceof String s && !s.isBlank()) {
                url = s;
                break;
            }
        }
        if (url == null) {
            return read(call(target, "getDataSource"), depth + 1);
        }
        Properties info = new Properties();
        for (String getter : new String[] {"getDataSourceProperties", "getConnectionProperties"}) {
            if (call(target, getter) instanceof Properties p) {
                for (String name : p.stringPropertyNames()) {
                    info.setProperty(name, p.getProperty(name));
                }
            }
        }
        return Optional.of(DelegateSettings.of(url, info));
    }

    private static Object call(Object target, String getter) {
        try {
            Method m = target.getClass().getMethod(getter);
            if (m.getParameterCount() != 0 || !Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                return null;
            }
            return m.invoke(target);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException | RuntimeException e) {
            return null;
        }
    }
}
