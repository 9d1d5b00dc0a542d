package dev.cloak.spring.boot;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.config.PolicyException;
import dev.cloak.driver.config.PolicyFile;
import dev.cloak.driver.internal.policy.DatabaseDomainUsage;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.KeyPurpose;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** Where the starter's tests run: H2 always, PostgreSQL when {@code CLOAK_TEST_POSTGRES_URL} names one. */
enum StarterDatabase {
    H2, POSTGRESQL;

    /** A plain JDBC URL of an empty H2 database or of the configured PostgreSQL one; aborts loudly when there is none. */
    String url() {
        if (this == H2) {
            // USER=sa: Spring Boot connects to an embedded H2 URL as "sa" unless told otherwise
            return "jdbc:h2:mem:starter-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;USER=sa";
        }
        String url = System.getenv("CLOAK_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            System.err.println("*** SKIPPING PostgreSQL Spring Boot starter test: set CLOAK_TEST_POSTGRES_URL ***");
            Assumptions.abort("CLOAK_TEST_POSTGRES_URL is not set");
        }
        return url;
    }

    /** The database's connection id, to tell whether two statements ran on the same physical connection. */
    String connectionIdQuery() {
        return this == H2 ? "SELECT SESSION_ID()" : "SELECT pg_backend_pid()";
    }

    /**
     * Creates {@code table} (id, and binary ssn and name for Cloak's cells) through the plain driver, and forgets
     * any key Cloak kept for it in this database: every run makes a new development master key.
     */
    void createTable(String url, String table) {
        String binary = this == H2 ? "VARBINARY(1000)" : "BYTEA";
        try (Connection raw = DriverManager.getConnection(url); Statement ddl = raw.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS " + table);
            ddl.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, ssn " + binary + ", name " + binary + ")");
            for (String keys : List.of("cloak_keys", "cloak_key_versions")) {
                try (Statement delete = raw.createStatement()) {
                    delete.execute("DELETE FROM " + keys + " WHERE domain LIKE '" + table + ".%'");
                } catch (SQLException noSuchTable) {
                    // no key was ever kept here
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The policy text of {@code table}: ssn deterministic, name randomized, a development master key ({@code local:},
     * or {@code test-kms:} for {@link TestKms}) and keys in {@code store} (null: a file).
     */
    String policyYaml(Path dir, String table, String store, String masterKeyScheme) {
        String keys = store != null ? store : "file:" + dir.resolve("keys.json");
        return String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"" + masterKeyScheme + ":file:" + dir.resolve("master.json") + "\"",
                "  store: \"" + keys + "\"",
                "columns:",
                "  " + table + ".ssn:  { type: varchar, mode: deterministic }",
                "  " + table + ".name: { type: varchar, mode: randomized }",
                "network:",
                // the local test server may run without TLS; embedded H2 has no network and passes
                "  require-tls: " + (this == H2),
                "");
    }

    /** Writes {@link #policyYaml} with a {@code local:} key to a fresh folder; its location for {@code cloak.config}. */
    String policyFile(String table, String store) {
        return policyFile(table, store, "local");
    }

    /** Writes {@link #policyYaml} to a fresh folder and returns its location for {@code cloak.config}. */
    String policyFile(String table, String store, String masterKeyScheme) {
        try {
            Path dir = Files.createTempDirectory("cloak-starter");
            Path file = dir.resolve("cloak.yaml");
            Files.writeString(file, policyYaml(dir, table, store, masterKeyScheme));
            return "file:" + file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the key of every column of the policy at {@code policyLocation}, as {@code cloak keys init --all}. */
    static void createKeys(String policyLocation, String url) {
        try {
            CloakConfig policy = PolicyFile.load(policyLocation);
            KeyAdministration admin = KeyAdministration.open(policy.masterKey(),
                    new FileKeyStore(Path.of(policy.keyStore().substring("file:".length()))), AuditTrail.NONE,
                    GenerationLedger.NONE);
            DatabaseDomainUsage usage = new DatabaseDomainUsage(policy.columns(), () -> DriverManager.getConnection(url));
            for (ColumnPolicy column : policy.columns()) {
                admin.init(column.keyDomain(), column.mode() == EncryptionMode.DETERMINISTIC
                        ? KeyPurpose.DETERMINISTIC_AEAD : KeyPurpose.AEAD, usage);
            }
        } catch (PolicyException | KeyringException e) {
            throw new IllegalStateException("creating the test keys failed", e);
        }
    }

    /** The cells of {@code column} of {@code table}, read through the plain driver. */
    static List<byte[]> rawCells(String url, String table, String column) throws SQLException {
        List<byte[]> cells = new ArrayList<>();
        try (Connection raw = DriverManager.getConnection(url); Statement select = raw.createStatement();
             ResultSet rs = select.executeQuery("SELECT " + column + " FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                cells.add(rs.getBytes(1));
            }
        }
        return cells;
    }

    /** Drops {@code table} through the plain driver. */
    /** Overwrites a stored cell through the plain driver, as someone with write access to the database could. */
    static void rawUpdate(String url, String table, String column, long id, byte[] stored) throws SQLException {
        try (Connection raw = DriverManager.getConnection(url);
             java.sql.PreparedStatement ps = raw.prepareStatement("UPDATE " + table + " SET " + column
                     + " = ? WHERE id = ?")) {
            ps.setBytes(1, stored);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    static void dropTable(String url, String table) throws SQLException {
        try (Connection raw = DriverManager.getConnection(url); Statement ddl = raw.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    /** Whether {@code cell} holds the UTF-8 bytes of {@code plaintext}. */
    static boolean contains(byte[] cell, String plaintext) {
        String haystack = new String(cell, StandardCharsets.ISO_8859_1);
        return haystack.contains(new String(plaintext.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }

    /** The lower-case hex SHA-256 of a file's bytes, as the policy's hash is computed. */
    static String sha256Of(String location) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of(location.substring("file:".length())));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
