package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.CloakHealth;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.kmsdouble.Fault;
import dev.cloak.keyring.kmsdouble.KmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDoubles;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Master keys in AWS KMS, Google Cloud KMS and Vault Transit through {@code jdbc:cloak:}, each KMS a protocol double
 * reached by the real client: values round trip and every KMS call names the column's key domain; while the KMS is
 * down or slow a cold key fails the statement within {@code keyring.kms-timeout} with SQLState 58030 and the same
 * connection works once the KMS is back; warm keys keep serving until their TTL; a refusal is 58K03 and not retried;
 * throttling and server errors are retried unseen; keys move between KMSs with {@code rewrap}. Each test ends by
 * re-wrapping its keys under the test's development key, so the leak check can read them.
 */
class KmsMasterKeyTest {

    @TempDir
    Path dir;

    /** The KMS doubles, each with how a test gets a key and narrows the application's rights. */
    enum Kms {
        AWS {
            @Override
            String newKey() {
                return KmsDoubles.awsKey(UUID.randomUUID().toString());
            }

            @Override
            KmsDouble kms() {
                return KmsDoubles.aws();
            }

            @Override
            void allowDecryptOnly() {
                KmsDoubles.allowAws("Decrypt");
            }
        },
        GCP {
            @Override
            String newKey() {
                return KmsDoubles.gcpKey("k-" + UUID.randomUUID());
            }

            @Override
            KmsDouble kms() {
                return KmsDoubles.gcp();
            }

            @Override
            void allowDecryptOnly() {
                KmsDoubles.gcp().grant("decrypt");
            }
        },
        VAULT {
            @Override
            String newKey() {
                return KmsDoubles.vaultKey("k-" + UUID.randomUUID());
            }

            @Override
            KmsDouble kms() {
                return KmsDoubles.vault();
            }

            @Override
            void allowDecryptOnly() {
                KmsDoubles.writeVaultToken(KmsDoubles.vault().issueToken(Duration.ZERO, false, "decrypt"));
            }
        };

        abstract String newKey();

        abstract KmsDouble kms();

        abstract void allowDecryptOnly();

        /** The KMS the next rewrap goes to: AWS, then Cloud KMS, then Vault, then AWS. */
        Kms next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    static Stream<Arguments> kmsAndDatabase() {
        return Stream.of(Kms.values()).flatMap(kms -> Stream.of(TestDatabase.values()).map(db -> Arguments.of(kms, db)));
    }

    /**
     * The KMS timeout of calls whose speed the test does not judge: a client's first call loads its SDK, which a busy
     * machine may take longer than one second to do.
     */
    private static final String SETUP_TIMEOUT = "15s";

    private Fixture fx;
    private String table;
    /** The master key that wraps the test's keys now. */
    private String master;

    @BeforeEach
    void resetDoubles() {
        KmsDoubles.reset();
    }

    /** Re-wraps the test's keys under its development key for the leak check, then closes the fixture. */
    @AfterEach
    void handKeysToTheLeakCheck() throws Exception {
        KmsDoubles.reset();
        if (fx == null) {
            return;
        }
        try (Fixture closing = fx) {
            if (master != null && !master.startsWith("local:")) {
                try (KeyAdministration admin = KeyAdministration.open(master, keyStore(), AuditTrail.NONE,
                        GenerationLedger.NONE)) {
                    admin.rewrap(fx.masterKeyUri());
                }
            }
        }
    }

    private FileKeyStore keyStore() {
        return new FileKeyStore(Path.of(fx.keyStoreUri().substring("file:".length())));
    }

    /** Opens the fixture, a table {@code (id, ssn, name)} and keys for both columns under {@code kms}, one row in. */
    private Fixture start(TestDatabase db, Kms kms) throws Exception {
        fx = Fixture.open(db, dir);
        table = fx.table("kms");
        fx.rawExecute("CREATE TABLE " + table + " (id INT PRIMARY KEY, ssn " + fx.db().binaryType() + ", name "
                + fx.db().binaryType() + ")");
        master = kms.newKey();
        try (PreparedStatement ps = fx.cloak(policy(master, SETUP_TIMEOUT).write())
                .prepareStatement("INSERT INTO " + table + " (id, ssn, name) VALUES (?, ?, ?)")) {
            ps.setInt(1, 1);
            ps.setString(2, LeakCapture.written("900-12-3456"));
            ps.setString(3, LeakCapture.written("Ada Lovelace"));
            ps.executeUpdate();
        }
        kms.kms().clearCalls();
        return fx;
    }

    /** A policy over the test's table under {@code masterKey}, every KMS call held to one second. */
    private Fixture.Policy policy(String masterKey) {
        return policy(masterKey, "1s");
    }

    /** A policy over the test's table under {@code masterKey}, every KMS call held to {@code kmsTimeout}. */
    private Fixture.Policy policy(String masterKey, String kmsTimeout) {
        return fx.policy().masterKey(masterKey).keyring("kms-timeout", kmsTimeout)
                .column(table + ".ssn", "varchar", "deterministic").column(table + ".name", "varchar", "randomized");
    }

    /** A connection of a new policy location: its keyring is new, so every key is cold. */
    private Connection cold(Fixture.Policy policy) throws SQLException {
        return fx.cloak(policy.write());
    }

    private String nameOf(Connection c, String ssn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM " + table + " WHERE ssn = ?")) {
            ps.setString(1, ssn);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kmsAndDatabase")
    void valuesRoundTripAndEveryKmsCallNamesTheKeyDomainItServed(Kms kms, TestDatabase db) throws Exception {
        start(db, kms);

        assertThat(nameOf(cold(policy(master)), "900-12-3456")).isEqualTo("Ada Lovelace");

        assertThat(fx.rawCells(table, "name").get(0)).isNotNull().hasSizeGreaterThan("Ada Lovelace".length());
        String domain = table.toLowerCase(Locale.ROOT);
        assertThat(kms.kms().calls()).hasSize(2).allMatch(call -> call.status() == 200)
                .anyMatch(call -> call.binding().contains(domain + ".ssn"))
                .anyMatch(call -> call.binding().contains(domain + ".name"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kmsAndDatabase")
    void aColdKeyDuringAnOutageFails58030WithinTheTimeoutAndTheConnectionWorksOnceTheKmsIsBack(Kms kms,
            TestDatabase db) throws Exception {
        start(db, kms);
        Connection c = cold(policy(master));
        kms.kms().slowness(Duration.ofSeconds(20)).failAlways(Fault.SLOW);

        long begin = System.nanoTime();
        SQLException e = Expect.sqlState("58030", () -> nameOf(c, "900-12-3456"));
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(took).isLessThan(Duration.ofMillis(1800));
        assertThat(e.getMessage()).contains("keyring.kms-timeout");
        kms.kms().recover();
        assertThat(nameOf(c, "900-12-3456")).isEqualTo("Ada Lovelace");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kmsAndDatabase")
    void aKmsThatRefusesIs58K03AndIsAskedOnce(Kms kms, TestDatabase db) throws Exception {
        start(db, kms);
        Connection c = cold(policy(master));
        kms.kms().failAlways(Fault.ACCESS_DENIED);

        Expect.sqlState("58K03", () -> nameOf(c, "900-12-3456"));

        assertThat(kms.kms().operations()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kmsAndDatabase")
    void throttlingServerErrorsAndDroppedConnectionsAreRetriedUnseen(Kms kms, TestDatabase db) throws Exception {
        start(db, kms);
        Connection c = cold(policy(master));
        kms.kms().failNext(Fault.THROTTLE, 1).failNext(Fault.SERVER_ERROR, 1).failNext(Fault.DROP_CONNECTION, 1);

        assertThat(nameOf(c, "900-12-3456")).isEqualTo("Ada Lovelace");

        assertThat(kms.kms().operations()).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kmsAndDatabase")
    void warmKeysKeepServingThroughAnOutageUntilTheirTtl(Kms kms, TestDatabase db) throws Exception {
        start(db, kms);
        Connection c = cold(policy(master, SETUP_TIMEOUT).cacheTtl("1s"));
        assertThat(nameOf(c, "900-12-3456")).isEqualTo("Ada Lovelace");
        kms.kms().failAlways(Fault.SERVER_ERROR);
        int before = kms.kms().operations();

        assertThat(nameOf(c, "900-12-3456")).isEqualTo("Ada Lovelace");
        assertThat(kms.kms().operations()).isEqualTo(before);
        Thread.sleep(1_300);
        Expect.sqlState("58030", () -> nameOf(c, "900-12-3456"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kmsAndDatabase")
    void anApplicationThatMayOnlyDecryptUsesExistingKeysAndCreatesNone(Kms kms, TestDatabase db) throws Exception {
        start(db, kms);
        fx.rawExecute("ALTER TABLE " + table + " ADD note " + fx.db().binaryType());
        kms.allowDecryptOnly();
        Connection c = cold(policy(master).column(table + ".note", "varchar", "randomized"));

        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, ssn, name) VALUES (?, ?, ?)")) {
            ps.setInt(1, 2);
            ps.setString(2, LeakCapture.written("900-55-0002"));
            ps.setString(3, LeakCapture.written("Alan Turing"));
            ps.executeUpdate();
        }
        assertThat(nameOf(c, "900-55-0002")).isEqualTo("Alan Turing");
        Expect.sqlState("58K03", () -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET note = ? WHERE id = 2")) {
                ps.setString(1, LeakCapture.written("a note"));
                ps.executeUpdate();
            }
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kmsAndDatabase")
    void theHealthCheckPassesWithAnApplicationsDecryptOnlyRights(Kms kms, TestDatabase db) throws Exception {
        start(db, kms);
        kms.allowDecryptOnly();
        CloakConfig config = fx.configBuilder().masterKey(master)
                .column(table + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .column(table + ".name", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED).build();

        CloakHealth health;
        try (CloakDataSource ds = new CloakDataSource(db.rawDataSource(), config)) {
            health = ds.checkHealth();
        }

        assertThat(health.masterKeyCheck().status()).as(health.masterKeyCheck().problem())
                .isEqualTo(CloakHealth.Status.UP);
        assertThat(kms.kms().calls()).extracting(KmsDouble.Call::operation).doesNotContain("Encrypt", "encrypt");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kmsAndDatabase")
    void rewrapMovesTheKeysToAnotherKmsAndTheCellsStayReadable(Kms kms, TestDatabase db) throws Exception {
        start(db, kms);
        String next = kms.next().newKey();

        try (KeyAdministration admin = KeyAdministration.open(master, keyStore(), AuditTrail.NONE,
                GenerationLedger.NONE)) {
            assertThat(admin.rewrap(next)).isEqualTo(2);
        }
        master = next;

        assertThat(nameOf(cold(policy(next)), "900-12-3456")).isEqualTo("Ada Lovelace");
        assertThat(kms.next().kms().calls()).anyMatch(call -> call.binding().contains(".ssn"));
    }
}
