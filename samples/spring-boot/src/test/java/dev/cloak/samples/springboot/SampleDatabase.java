package dev.cloak.samples.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** Where the sample's tests run: H2 always, PostgreSQL when {@code CLOAK_TEST_POSTGRES_URL} names one. */
enum SampleDatabase {
    H2, POSTGRESQL;

    /** A plain JDBC URL of an empty database (H2) or of the configured PostgreSQL database; aborts when there is none. */
    String url() {
        if (this == H2) {
            // USER=sa: Spring Boot connects to an embedded H2 URL as "sa" unless told otherwise.
            return "jdbc:h2:mem:boot-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;USER=sa";
        }
        String url = System.getenv("CLOAK_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            System.err.println("*** SKIPPING PostgreSQL Spring Boot sample test: set CLOAK_TEST_POSTGRES_URL ***");
            Assumptions.abort("CLOAK_TEST_POSTGRES_URL is not set");
        }
        return url;
    }

    /** The sample's classpath policy, written with its development key files in a fresh temporary folder. */
    String policyLocation() {
        try (InputStream in = SpringBootSample.class.getResourceAsStream("/cloak.yaml")) {
            Path dir = Files.createTempDirectory("cloak-boot-sample");
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("./cloak-master.json", dir.resolve("master.json").toString())
                    .replace("./cloak-keys.json", dir.resolve("keys.json").toString());
            if (this == POSTGRESQL) {
                // The local test server may run without TLS; the sample's own policy keeps requiring it.
                yaml = yaml.replace("require-tls: true", "require-tls: false");
            }
            Path policy = dir.resolve("cloak.yaml");
            Files.writeString(policy, yaml);
            return "file:" + policy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every stored cell of the given columns of {@code boot_patients}, read through the plain driver. */
    static List<byte[]> rawCells(String url, String... columns) throws SQLException {
        List<byte[]> cells = new ArrayList<>();
        try (Connection raw = DriverManager.getConnection(url); Statement select = raw.createStatement();
             ResultSet rs = select.executeQuery("SELECT " + String.join(", ", columns) + " FROM boot_patients ORDER BY id")) {
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

    /** Drops the sample's table through the plain driver. */
    static void dropTable(String url) throws SQLException {
        try (Connection raw = DriverManager.getConnection(url); Statement ddl = raw.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS boot_patients");
        }
    }
}
