package dev.cloak.samples.quickstart;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The smallest useful Cloak program: plain JDBC, with {@code jdbc:cloak:} in front of the database URL and
 * the policy {@code cloak.yaml} on the classpath. Two columns are encrypted before they leave the process.
 * Runs on an in-memory H2 database, or on PostgreSQL when {@code CLOAK_TEST_POSTGRES_URL} is set.
 */
public final class QuickstartApp {

    private QuickstartApp() {
    }

    /** Stores two patients through Cloak and finds one by her encrypted SSN. */
    public static void main(String[] args) throws SQLException {
        String url = System.getenv()
                .getOrDefault("CLOAK_TEST_POSTGRES_URL", "jdbc:h2:mem:quickstart;DB_CLOSE_DELAY=-1");
        System.out.println("Found by SSN: " + run(url, new Properties()));
    }

    /**
     * Runs the quickstart against {@code url} (a plain JDBC URL) and returns the name found by SSN.
     * {@code cloakSettings} may name another policy ({@code cloak.config}); empty means {@code cloak.yaml}.
     */
    static String run(String url, Properties cloakSettings) throws SQLException {
        createTable(url);
        // The only change an application makes: "jdbc:" becomes "jdbc:cloak:".
        String cloakUrl = "jdbc:cloak:" + url.substring("jdbc:".length());
        try (Connection db = DriverManager.getConnection(cloakUrl, cloakSettings)) {
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO quickstart_patients (id, ssn, name) VALUES (?, ?, ?)")) {
                insert.setInt(1, 1);
                insert.setString(2, "900-12-3456");
                insert.setString(3, "Ada Lovelace");
                insert.executeUpdate();
                insert.setInt(1, 2);
                insert.setString(2, "900-23-4567");
                insert.setString(3, "Alan Turing");
                insert.executeUpdate();
            }
            try (PreparedStatement find = db.prepareStatement("SELECT name FROM quickstart_patients WHERE ssn = ?")) {
                find.setString(1, "900-12-3456");
                try (ResultSet rs = find.executeQuery()) {
                    return rs.next() ? rs.getString("name") : null;
                }
            }
        }
    }

    /** Cloak does not rewrite DDL yet: create encrypted columns as binary, through the plain driver. */
    private static void createTable(String url) throws SQLException {
        String binary = url.startsWith("jdbc:postgresql:") ? "BYTEA" : "VARBINARY";
        try (Connection raw = DriverManager.getConnection(url); Statement ddl = raw.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS quickstart_patients");
            ddl.execute("CREATE TABLE quickstart_patients (id INT PRIMARY KEY, ssn " + binary
                    + ", name " + binary + ")");
        }
    }
}
