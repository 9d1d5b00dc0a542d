package dev.cloak.keyring.store;

import dev.cloak.keyring.UniqueConstraints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.DomainUsage;
import dev.cloak.keyring.Fixtures;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.KeyPurpose;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KeyringSettings;
import dev.cloak.keyring.WrappedKeyset;
import dev.cloak.keyring.audit.AuditTrail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Generations in table {@code cloak_keys} on each database Cloak supports: stored with every keyset, read as 0 from
 * a table written before they were kept, added to such a table by the first write, and a restored older row refused
 * through the ledger. PostgreSQL and MariaDB run when {@code CLOAK_TEST_POSTGRES_URL} and
 * {@code CLOAK_TEST_MARIADB_URL} name a database (whose {@code cloak_keys} these tests drop); skipped loudly otherwise.
 */
class DatabaseKeyStoreGenerationsTest {

    private static final byte[] PLAINTEXT = "123-45-6789".getBytes(StandardCharsets.UTF_8);
    private static final String DOMAIN = "patients.name";
    /** The table as Cloak created it before generations were kept. */
    private static final String LEGACY_TABLE = "CREATE TABLE cloak_keys ("
            + "domain VARCHAR(255) NOT NULL, version INT NOT NULL, purpose VARCHAR(32) NOT NULL, "
            + "status VARCHAR(16) NOT NULL, master_key VARCHAR(1024) NOT NULL, keyset VARCHAR(8000) NOT NULL, "
            + "created_at TIMESTAMP NOT NULL, PRIMARY KEY (domain, version))";

    enum Database {
        H2, POSTGRESQL, MARIADB;

        String url() {
            if (this == H2) {
                return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            }
            String variable = this == POSTGRESQL ? "CLOAK_TEST_POSTGRES_URL" : "CLOAK_TEST_MARIADB_URL";
            String url = System.getenv(variable);
            if (url == null || url.isBlank()) {
                System.err.println("*** SKIPPING " + this + " key store tests: set " + variable + " ***");
                Assumptions.abort(variable + " is not set");
            }
            return url.strip();
        }
    }

    @TempDir
    Path dir;

    private String url;

    private ConnectionSource open(Database db) throws SQLException {
        url = db.url();
        dropTables();
        return () -> DriverManager.getConnection(url);
    }

    @AfterEach
    void dropTables() throws SQLException {
        if (url == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS cloak_key_versions");
            s.execute("DROP TABLE IF EXISTS cloak_keys");
        }
    }

    private void execute(String sql, Object... values) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.execute();
        }
    }

    private String master() {
        return "local:file:" + dir.resolve("master.json");
    }

    /** A row as Cloak wrote it before generations were kept, in the legacy table. */
    private void insertLegacy(WrappedKeyset keyset) throws SQLException {
        execute("INSERT INTO cloak_keys (domain, version, purpose, status, master_key, keyset, created_at) "
                + "VALUES (?, 1, ?, 'active', ?, ?, CURRENT_TIMESTAMP)", keyset.domain(), keyset.purpose(),
                keyset.masterKeyUri(), Base64.getEncoder().encodeToString(keyset.ciphertext()));
    }

    private Keyring keyring(ConnectionSource source, GenerationLedger ledger) throws KeyringException {
        return Keyring.open(new KeyringSettings(master(), Duration.ofMinutes(15), 100, false),
                new DatabaseKeyStore(source), AuditTrail.NONE, DomainUsage.UNCHECKED, ledger);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void everyWriteStoresTheKeysetsGenerationAndReadsItBack(Database db) throws Exception {
        ConnectionSource source = open(db);
        KeyAdministration admin = KeyAdministration.open(master(), new DatabaseKeyStore(source), AuditTrail.NONE,
                GenerationLedger.NONE);

        admin.init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);
        admin.rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        admin.rotate(DOMAIN, UniqueConstraints.UNCHECKED);

        assertThat(new DatabaseKeyStore(source).read(DOMAIN)).get().extracting(WrappedKeyset::generation)
                .isEqualTo(3L);
        assertThat(new DatabaseKeyStore(source).list()).singleElement()
                .extracting(d -> d.keyset().generation()).isEqualTo(3L);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aTableWrittenBeforeGenerationsReadsAsGenerationZeroAndItsKeysStillDecrypt(Database db) throws Exception {
        ConnectionSource source = open(db);
        execute(LEGACY_TABLE);
        WrappedKeyset legacy = Fixtures.legacyKeyset(master(), DOMAIN, KeyPurpose.AEAD);
        insertLegacy(legacy);

        assertThat(new DatabaseKeyStore(source).read(DOMAIN)).contains(legacy);
        assertThat(new DatabaseKeyStore(source).list()).singleElement().extracting(StoredKeyDomain::keyset)
                .isEqualTo(legacy);
        try (Keyring keyring = keyring(source, GenerationLedger.NONE)) {
            byte[] cell = keyring.aead(DOMAIN).encrypt(PLAINTEXT, Fixtures.AD);
            assertThat(keyring.aead(DOMAIN).decrypt(cell, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void theFirstKeyCreatedInALegacyTableAddsTheGenerationColumn(Database db) throws Exception {
        ConnectionSource source = open(db);
        execute(LEGACY_TABLE);
        WrappedKeyset legacy = Fixtures.legacyKeyset(master(), DOMAIN, KeyPurpose.AEAD);
        insertLegacy(legacy);
        WrappedKeyset created = new WrappedKeyset("patients.ssn", "deterministic-aead", new byte[] {1, 2, 3},
                master(), 1);

        assertThat(new DatabaseKeyStore(source).insertIfAbsent(created)).isEqualTo(created);

        assertThat(new DatabaseKeyStore(source).read("patients.ssn")).contains(created);
        assertThat(new DatabaseKeyStore(source).read(DOMAIN)).contains(legacy);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aKeyChangeMovesALegacyDomainToGenerationOneInPlace(Database db) throws Exception {
        ConnectionSource source = open(db);
        execute(LEGACY_TABLE);
        insertLegacy(Fixtures.legacyKeyset(master(), DOMAIN, KeyPurpose.AEAD));
        byte[] cell;
        try (Keyring keyring = keyring(source, GenerationLedger.NONE)) {
            cell = keyring.aead(DOMAIN).encrypt(PLAINTEXT, Fixtures.AD);
        }

        KeyAdministration.open(master(), new DatabaseKeyStore(source), AuditTrail.NONE, GenerationLedger.NONE)
                .rotate(DOMAIN, UniqueConstraints.UNCHECKED);

        assertThat(new DatabaseKeyStore(source).read(DOMAIN)).get().extracting(WrappedKeyset::generation)
                .isEqualTo(1L);
        try (Keyring keyring = keyring(source, GenerationLedger.NONE)) {
            assertThat(keyring.aead(DOMAIN).decrypt(cell, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void restoringAnOlderCloakKeysRowIsDetectedThroughTheLedger(Database db) throws Exception {
        ConnectionSource source = open(db);
        GenerationLedger ledger = new FileGenerationLedger(dir.resolve("ledger.json"));
        KeyAdministration admin = KeyAdministration.open(master(), new DatabaseKeyStore(source), AuditTrail.NONE,
                ledger);
        admin.init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);
        String backupKeyset;
        long backupGeneration;
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT keyset, generation FROM cloak_keys")) {
            r.next();
            backupKeyset = r.getString(1);
            backupGeneration = r.getLong(2);
        }
        admin.rotate(DOMAIN, UniqueConstraints.UNCHECKED);

        execute("UPDATE cloak_keys SET keyset = ?, generation = ? WHERE domain = ?", backupKeyset, backupGeneration,
                DOMAIN);

        try (Keyring keyring = keyring(source, ledger)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead(DOMAIN));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ROLLED_BACK);
            assertThat(e.getMessage()).contains("DatabaseKeyStore").contains("generation 1 of key domain " + DOMAIN)
                    .contains("older than generation 2");
        }
    }
}
