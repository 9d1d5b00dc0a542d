package dev.cloak.samples.hibernate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** Where the sample's tests run: H2 always, PostgreSQL when {@code CLOAK_TEST_POSTGRES_URL} names one. */
enum SampleDatabase {
    H2, POSTGRESQL;

    /** A plain JDBC URL of an empty database (H2) or of the configured PostgreSQL database. */
    String url() {
        if (this == H2) {
            return "jdbc:h2:mem:hibernate-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        }
        String url = System.getenv("CLOAK_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            System.err.println("*** SKIPPING PostgreSQL Hibernate sample test: set CLOAK_TEST_POSTGRES_URL ***");
            Assumptions.abort("CLOAK_TEST_POSTGRES_URL is not set");
        }
        return url;
    }

    /** The sample's classpath policy with its development key files in {@code dir}: Cloak's connection settings. */
    Map<String, String> cloakSettings(Path dir) throws IOException {
        String yaml;
        try (InputStream in = HibernateApp.class.getResourceAsStream("/cloak.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        yaml = yaml.replace("./cloak-master.json", dir.resolve("master.json").toString())
                .replace("./cloak-keys.json", dir.resolve("keys.json").toString());
        if (this == POSTGRESQL) {
            // The local test server may run without TLS; the sample's own policy keeps requiring it.
            yaml = yaml.replace("require-tls: true", "require-tls: false");
        }
        Path policy = dir.resolve("cloak.yaml");
        Files.writeString(policy, yaml);
        return Map.of("cloak.config", "file:" + policy);
    }

    /** Every stored cell of the given columns of {@code jpa_patients}, read through the plain driver. */
    static List<byte[]> rawCells(String url, String... columns) throws SQLException {
        List<byte[]> cells = new ArrayList<>();
        try (Connection raw = DriverManager.getConnection(url); Statement select = raw.createStatement();
             ResultSet rs = select.executeQuery("SELECT " + String.join(", ", columns) + " FROM jpa_patients ORDER BY id")) {
            while (rs.next()) {
                for (int i = 1; i <= columns.length; i++) {
                    cells.add(rs.getBytes(i));
                }
            }
        }
        return cells;
    }

    /** Whether {@code cell} contains the UTF-8 bytes of {@code plaintext}. */
    static boolean contains(byte[] cell, String plaintext) {
        String haystack = new String(cell, StandardCharsets.ISO_8859_1);
        return haystack.contains(new String(plaintext.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }

    static void dropTable(String url) throws SQLException {
        try (Connection raw = DriverManager.getConnection(url); Statement ddl = raw.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS jpa_patients");
        }
    }
}
