package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.PolicyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;

/**
 * pgjdbc's internal connection is not handed out by {@code unwrap}: Flyway runs a migration's
 * {@code COPY … FROM STDIN} through it with its own {@code CopyManager}, which would store the rows in plaintext.
 * The driver's public interface still unwraps.
 */
class DriverInternalsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL"})
    void aFlywayCopyMigrationIsRefusedAndStoresNothing(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String table = fx.table("copied");
            String history = fx.table("copy_history");
            fx.rawExecute("CREATE TABLE " + table + " (id INT, ssn BYTEA)");
            Path policy = fx.policy().column(table + ".ssn", "varchar", "deterministic").write();
            Path migrations = Files.createDirectories(dir.resolve("migrations"));
            LeakCapture.plaintext("COPY-SSN-1");
            Files.writeString(migrations.resolve("V1__copy.sql"),
                    "COPY " + table + " (id, ssn) FROM STDIN;\n1\tCOPY-SSN-1\n\\.\n");
            CloakDataSource cloak = new CloakDataSource(db.newRawDataSource(db.rawUrl()),
                    PolicyFile.load("file:" + policy));
            Flyway flyway = Flyway.configure().dataSource(cloak).table(history)
                    .locations("filesystem:" + migrations).load();

            assertThatThrownBy(flyway::migrate).isInstanceOf(FlywayException.class);
            assertThat(fx.rawCount(table)).as("rows copied past Cloak").isZero();

            try (Connection c = cloak.getConnection()) {
                assertThat(c.isWrapperFor(BaseConnection.class)).isFalse();
                assertThatThrownBy(() -> c.unwrap(BaseConnection.class)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("internal connection");
                assertThat(c.unwrap(PGConnection.class)).isNotNull();
            }
        }
    }
}
