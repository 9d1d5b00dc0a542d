package dev.cloak.samples.flyway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Flyway migrates a schema with encrypted columns through {@code jdbc:cloak:}: the migrations
 * ({@code db/migration/V*.sql}) are written as they would be without Cloak, and Cloak's policy
 * ({@code cloak.yaml}) says which columns are encrypted. {@code cloak-flyway} on the classpath lets Flyway take the
 * {@code jdbc:cloak:} URL as it takes the database's own. Runs on an in-memory H2 database, or on PostgreSQL when
 * {@code CLOAK_TEST_POSTGRES_URL} is set.
 */
public final class FlywaySample {

    private FlywaySample() {
    }

    /** Migrates (twice: the second run has nothing to do) and finds a member by her encrypted email. */
    public static void main(String[] args) throws SQLException {
        String url = System.getenv()
                .getOrDefault("CLOAK_TEST_POSTGRES_URL", "jdbc:h2:mem:flyway_sample;DB_CLOSE_DELAY=-1");
        String cloakUrl = "jdbc:cloak:" + url.substring("jdbc:".length());
        System.out.println("Migrations applied: " + migrate(cloakUrl) + ", then " + migrate(cloakUrl));
        System.out.println("Found by email: " + phoneOf(cloakUrl, "ada@example.org"));
    }

    /** Runs Flyway's {@code migrate} on a {@code jdbc:cloak:} URL; returns how many migrations it applied. */
    static int migrate(String cloakUrl) {
        Flyway flyway = Flyway.configure()
                .dataSource(cloakUrl, null, null)   // the same URL the application uses
                .locations("classpath:db/migration")
                .load();
        MigrateResult result = flyway.migrate();
        return result.migrationsExecuted;
    }

    /** The phone number of the member with {@code email}, looked up and read back through Cloak. */
    static String phoneOf(String cloakUrl, String email) throws SQLException {
        try (Connection db = DriverManager.getConnection(cloakUrl);
             PreparedStatement find = db.prepareStatement(
                     "SELECT first_name, last_name, phone FROM members WHERE email = ?")) {
            find.setString(1, email);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? rs.getString(1) + " " + rs.getString(2) + ", " + rs.getString(3) : null;
            }
        }
    }
}
