package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.PolicyFile;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Flyway runs the clinic's versioned migrations ({@code migrations/<database>/V*.sql}: tables with encrypted
 * columns, unnamed and partial indexes, constraints, views, seed rows with literals, then {@code ALTER TABLE … ADD
 * COLUMN} of new encrypted columns) through Cloak, given a {@code jdbc:cloak:} URL (Cloak's Flyway plugins,
 * {@code cloak-flyway}) or a {@link CloakDataSource}. A second {@code migrate} has nothing to do.
 */
class FlywayMigrationTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void migratesThroughACloakUrl(TestDatabase db) throws Exception {
        try (MigratedClinic clinic = new MigratedClinic(Fixture.open(db, dir), "flyway_url")) {
            Flyway flyway = Flyway.configure().dataSource(clinic.cloakUrl(), null, null)
                    .locations("classpath:" + clinic.scripts()).load();

            assertMigratesOnceThenHasNothingToDo(flyway);
            clinic.assertSeedsReadBack();
            clinic.assertRawTablesHoldNoPlaintext();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void migratesThroughACloakDataSource(TestDatabase db) throws Exception {
        try (MigratedClinic clinic = new MigratedClinic(Fixture.open(db, dir), "flyway_ds")) {
            CloakDataSource cloak = new CloakDataSource(db.newRawDataSource(clinic.rawUrl()),
                    PolicyFile.load("file:" + clinic.policy));
            Flyway flyway = Flyway.configure().dataSource(cloak).locations("classpath:" + clinic.scripts()).load();

            assertMigratesOnceThenHasNothingToDo(flyway);
            clinic.assertSeedsReadBack();
            clinic.assertRawTablesHoldNoPlaintext();
        }
    }

    private static void assertMigratesOnceThenHasNothingToDo(Flyway flyway) {
        MigrateResult first = flyway.migrate();
        assertThat(first.success).isTrue();
        assertThat(first.migrationsExecuted).isEqualTo(4);
        assertThat(first.targetSchemaVersion).isEqualTo("4");
        flyway.validate();
        MigrateResult again = flyway.migrate();
        assertThat(again.migrationsExecuted).isZero();
        assertThat(flyway.info().applied()).hasSize(4);
    }
}
