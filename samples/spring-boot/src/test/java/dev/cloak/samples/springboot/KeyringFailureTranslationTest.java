package dev.cloak.samples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * How Spring reads Cloak's keyring failures: an unreachable key store is a transient failure a retry policy may
 * retry; a missing key is not. Spring decides by the exception's class first and its SQLState second, so this
 * checks both through {@link JdbcTemplate}'s own translation.
 */
class KeyringFailureTranslationTest {

    @TempDir
    Path dir;

    /** A JdbcTemplate over {@code jdbc:cloak:h2:…} with a policy on {@code store}, creating keys when asked. */
    private JdbcTemplate template(String store, boolean autoCreate) throws Exception {
        Path policy = Files.writeString(dir.resolve("cloak.yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"" + store + "\"",
                "  auto-create: " + autoCreate,
                "columns:",
                "  failing_patients.ssn: { type: varchar, mode: deterministic }",
                ""));
        String h2 = "h2:mem:translation-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        new JdbcTemplate(new DriverManagerDataSource("jdbc:" + h2))
                .execute("CREATE TABLE failing_patients (id INT PRIMARY KEY, ssn VARBINARY(200))");
        DriverManagerDataSource cloak = new DriverManagerDataSource("jdbc:cloak:" + h2);
        Properties properties = new Properties();
        properties.setProperty("cloak.config", "file:" + policy);
        cloak.setConnectionProperties(properties);
        return new JdbcTemplate(cloak);
    }

    private static DataAccessException insertFails(JdbcTemplate template) {
        return catchThrowableOfType(DataAccessException.class,
                () -> template.update("INSERT INTO failing_patients (id, ssn) VALUES (?, ?)", 1, "900-12-3456"));
    }

    @Test
    void anUnreachableKeyStoreIsATransientFailureForSpring() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "");
        JdbcTemplate template = template("file:" + notADirectory.resolve("keys.json"), true);

        DataAccessException e = insertFails(template);

        assertThat(e).isInstanceOf(TransientDataAccessException.class);
        assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("58030");
    }

    @Test
    void aMissingKeyIsANonTransientFailureForSpring() throws Exception {
        JdbcTemplate template = template("file:" + dir.resolve("keys.json"), false);

        DataAccessException e = insertFails(template);

        assertThat(e).isInstanceOf(NonTransientDataAccessException.class);
        assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("58K01");
        assertThat(e.getCause()).hasMessageContaining("failing_patients.ssn");
    }
}
