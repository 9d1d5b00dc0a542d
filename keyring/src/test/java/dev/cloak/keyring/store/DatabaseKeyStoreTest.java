package dev.cloak.keyring.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.DeterministicAead;
import dev.cloak.keyring.Fixtures;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KeyringSettings;
import dev.cloak.keyring.WrappedKeyset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseKeyStoreTest {

    private static final byte[] PLAINTEXT = "123-45-6789".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private String url;
    private ConnectionSource source;

    @BeforeEach
    void freshDatabase() {
        url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        source = () -> DriverManager.getConnection(url);
    }

    private WrappedKeyset keyset(String domain, int fill) {
        return new WrappedKeyset(domain, "deterministic-aead", new byte[] {(byte) fill, 2, 3}, "local:file:m.json");
    }

    private int rows(String sql) throws SQLException {
        try (Connection c = source.open(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void readBeforeTheTableExistsIsEmptyAndCreatesNothing() throws Exception {
        assertThat(new DatabaseKeyStore(source).read("patients.ssn")).isEmpty();

        assertThat(rows("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = 'CLOAK_KEYS'")).isZero();
    }

    @Test
    void firstInsertCreatesTheTableAndStoresAnActiveVersionOne() throws Exception {
        WrappedKeyset stored = new DatabaseKeyStore(source).insertIfAbsent(keyset("patients.ssn", 1));

        assertThat(new DatabaseKeyStore(source).read("patients.ssn")).contains(stored);
        assertThat(rows("SELECT COUNT(*) FROM cloak_keys WHERE domain = 'patients.ssn' AND version = 1 "
                + "AND status = 'active' AND purpose = 'deterministic-aead' AND keyset = 'AQID' "
                + "AND master_key = 'local:file:m.json' AND created_at IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void secondInsertForTheSameDomainReturnsTheWinner() throws Exception {
        WrappedKeyset first = new DatabaseKeyStore(source).insertIfAbsent(keyset("patients.ssn", 1));

        WrappedKeyset returned = new DatabaseKeyStore(source).insertIfAbsent(keyset("patients.ssn", 9));

        assertThat(returned).isEqualTo(first);
        assertThat(rows("SELECT COUNT(*) FROM cloak_keys")).isEqualTo(1);
    }

    @Test
    void storeLeavesTheConnectionsAutoCommitAsItFoundIt() throws Exception {
        List<Connection> handedOut = new ArrayList<>();
        ConnectionSource manualCommit = () -> {
            Connection c = DriverManager.getConnection(url);
            c.setAutoCommit(false);
            handedOut.add(c);
            return c;
        };

        new DatabaseKeyStore(manualCommit).insertIfAbsent(keyset("patients.ssn", 1));

        assertThat(rows("SELECT COUNT(*) FROM cloak_keys")).isEqualTo(1);
        assertThat(handedOut).isNotEmpty().allMatch(c -> {
            try {
                return c.isClosed();
            } catch (SQLException e) {
                return false;
            }
        });
    }

    @Test
    void twoKeyringsRacingFirstUseOfOneDomainEndWithOneKeyset() throws Exception {
        KeyringSettings settings = Fixtures.settings(dir.resolve("master.json"), true);
        int racers = 4;
        List<Keyring> keyrings = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            keyrings.add(Fixtures.open(settings, new DatabaseKeyStore(source)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<DeterministicAead>> results = new ArrayList<>();
            for (Keyring keyring : keyrings) {
                results.add(pool.submit(() -> {
                    start.await();
                    return keyring.deterministicAead("patients.ssn");
                }));
            }
            start.countDown();
            List<byte[]> ciphertexts = new ArrayList<>();
            for (Future<DeterministicAead> result : results) {
                ciphertexts.add(result.get(30, TimeUnit.SECONDS).encryptDeterministically(PLAINTEXT, Fixtures.AD));
            }

            assertThat(ciphertexts).allSatisfy(c -> assertThat(c).isEqualTo(ciphertexts.get(0)));
            assertThat(rows("SELECT COUNT(*) FROM cloak_keys WHERE domain = 'patients.ssn'")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            keyrings.forEach(Keyring::close);
        }
    }

    @Test
    void aSecondKeyringOverTheSameDatabaseDecryptsWhatTheFirstEncrypted() throws Exception {
        KeyringSettings settings = Fixtures.settings(dir.resolve("master.json"), true);
        byte[] ciphertext;
        try (Keyring first = Fixtures.open(settings, new DatabaseKeyStore(source))) {
            ciphertext = first.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
        }
        try (Keyring second = Fixtures.open(settings, new DatabaseKeyStore(source))) {
            assertThat(second.aead("patients.name").decrypt(ciphertext, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void databaseThatCannotBeReachedIsUnavailableAndKeepsTheCause() {
        SQLTransientConnectionException refused = new SQLTransientConnectionException("connection refused", "08001");
        DatabaseKeyStore store = new DatabaseKeyStore(() -> {
            throw refused;
        });

        KeyringException read = catchThrowableOfType(KeyringException.class, () -> store.read("patients.ssn"));
        KeyringException insert = catchThrowableOfType(KeyringException.class,
                () -> store.insertIfAbsent(keyset("patients.ssn", 1)));

        assertThat(read.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(read.getCause()).isSameAs(refused);
        assertThat(insert.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(insert.getCause()).isSameAs(refused);
    }

    @Test
    void keyringOverAnUnreachableDatabaseIsUnavailable() throws Exception {
        KeyringSettings settings = Fixtures.settings(dir.resolve("master.json"), true);
        try (Keyring keyring = Fixtures.open(settings, new DatabaseKeyStore(() -> {
            throw new SQLException("connection refused", "08001");
        }))) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("key store");
        }
    }
}
