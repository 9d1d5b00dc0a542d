package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import javax.management.ObjectName;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer is optional: in a class loader that has every jar of the tests but Micrometer's, a data source encrypts,
 * decrypts and counts, and its JMX view reads the counts.
 */
class WithoutMicrometerTest {

    @TempDir
    Path dir;

    /** The test class path without Micrometer, parent the platform loader (the JDK alone). */
    private static URLClassLoader withoutMicrometer() throws Exception {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !entry.contains("micrometer")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    @Test
    void aDataSourceEncryptsDecryptsAndCountsWithoutMicrometer() throws Exception {
        try (URLClassLoader loader = withoutMicrometer()) {
            assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> scenario = loader.loadClass(Scenario.class.getName());
            assertThat(scenario.getClassLoader()).isSameAs(loader);

            @SuppressWarnings("unchecked")
            Function<String, String> run = (Function<String, String>) scenario.getConstructor().newInstance();
            String result = run.apply(dir.toString());

            assertThat(result).isEqualTo("read 123-45-6789, encrypted 1, decrypted 1");
        }
    }

    /** Runs inside the loader without Micrometer: writes and reads one value, and returns what JMX counted. */
    public static final class Scenario implements Function<String, String> {

        @Override
        public String apply(String dir) {
            String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            CloakConfig config = CloakConfig.builder().masterKey("local:file:" + dir + "/master.json")
                    .keyStore("file:" + dir + "/keys.json").requireTls(false)
                    .column("people.ssn", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED).build();
            // H2's own data source: DriverManager hands drivers only to classes of the loader that registered them
            try (Connection raw = h2.getConnection(); Statement s = raw.createStatement();
                 CloakDataSource ds = new CloakDataSource(h2, config)) {
                s.execute("CREATE TABLE people (id INT PRIMARY KEY, ssn VARBINARY(200))");
                ObjectName name = CloakJmx.register(ds, "without-micrometer-" + UUID.randomUUID());
                String read;
                try (Connection c = ds.getConnection()) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO people VALUES (1, ?)")) {
                        ps.setString(1, "123-45-6789");
                        ps.executeUpdate();
                    }
                    try (Statement q = c.createStatement(); ResultSet rs = q.executeQuery("SELECT ssn FROM people")) {
                        rs.next();
                        read = rs.getString(1);
                    }
                }
                var server = ManagementFactory.getPlatformMBeanServer();
                String counted = "encrypted " + server.getAttribute(name, "CellsEncrypted") + ", decrypted "
                        + server.getAttribute(name, "CellsDecrypted");
                server.unregisterMBean(name);
                return "read " + read + ", " + counted;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
