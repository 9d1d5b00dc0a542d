package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Liquibase runs the clinic's change log ({@code migrations/liquibase/<database>.xml}: Flyway's versioned scripts as
 * {@code sqlFile} changes, then an {@code addColumn} and an {@code update} whose SQL Liquibase writes) through Cloak:
 * over a Cloak connection, and from a {@code jdbc:cloak:} URL with Cloak's driver class named. Liquibase recognises
 * the database by the product name Cloak's metadata reports (the database's own); its own tables
 * ({@code DATABASECHANGELOG}, {@code DATABASECHANGELOGLOCK}) are not configured, so Cloak passes their statements
 * through. A second {@code update} has nothing to do.
 */
class LiquibaseMigrationTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void updatesOverACloakConnection(TestDatabase db) throws Exception {
        try (MigratedClinic clinic = new MigratedClinic(Fixture.open(db, dir), "liquibase_conn")) {
            Connection cloak = clinic.cloak();
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(cloak));
            try {
                assertThat(database.getShortName()).isEqualTo(db == TestDatabase.MARIADB ? "mariadb" : "postgresql");
                updateTwice(clinic, database);
            } finally {
                // Liquibase turns auto-commit off: its last read leaves a transaction open until it closes
                database.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void updatesFromACloakUrl(TestDatabase db) throws Exception {
        try (MigratedClinic clinic = new MigratedClinic(Fixture.open(db, dir), "liquibase_url")) {
            Database database = DatabaseFactory.getInstance().openDatabase(clinic.cloakUrl(), null, null,
                    "dev.cloak.driver.CloakDriver", null, null, null, new ClassLoaderResourceAccessor());
            try {
                updateTwice(clinic, database);
            } finally {
                database.close();
            }
        }
    }

    private static void updateTwice(MigratedClinic clinic, Database database) throws Exception {
        Liquibase liquibase = new Liquibase(clinic.changeLog(), new ClassLoaderResourceAccessor(), database);
        liquibase.update(new Contexts(), new LabelExpression());
        assertThat(liquibase.listUnrunChangeSets(new Contexts(), new LabelExpression())).isEmpty();
        liquibase.update(new Contexts(), new LabelExpression());

        clinic.assertSeedsReadBack();
        clinic.assertRawTablesHoldNoPlaintext();
        Connection cloak = clinic.cloak();
        assertThat(MigratedClinic.rows(cloak, "SELECT email FROM patients ORDER BY id"))
                .containsExactly("maren.ostby@example.org", "null", "null");
        // Liquibase names its table in upper case, which MariaDB keeps; PostgreSQL folds it to lower case
        String changeLog = clinic.fx.db() == TestDatabase.MARIADB ? "DATABASECHANGELOG" : "databasechangelog";
        assertThat(MigratedClinic.rows(cloak, "SELECT count(*) FROM " + changeLog)).containsExactly("5");
        List<byte[]> emails = clinic.raw("patients", "email");
        assertThat(emails.get(0)[0]).as("Cloak's cell format byte").isEqualTo((byte) 1);
    }
}
