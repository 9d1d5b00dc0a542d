package dev.cloak.keyring.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.Fixtures;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KeyringSettings;
import dev.cloak.keyring.WrappedKeyset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyStoreTest {

    private static final byte[] PLAINTEXT = "Ada Lovelace".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private WrappedKeyset keyset(String domain, int fill) {
        return new WrappedKeyset(domain, "aead", new byte[] {(byte) fill, 2, 3}, "local:file:m.json");
    }

    @Test
    void missingFileReadsAsEmpty() throws Exception {
        assertThat(new FileKeyStore(dir.resolve("keys.json")).read("patients.ssn")).isEmpty();
    }

    @Test
    void insertedKeysetIsReadBackByAnotherInstance() throws Exception {
        Path file = dir.resolve("keys.json");
        WrappedKeyset stored = new FileKeyStore(file).insertIfAbsent(keyset("patients.ssn", 1));

        assertThat(new FileKeyStore(file).read("patients.ssn")).contains(stored);
        assertThat(Files.readString(file)).contains("\"version\":1").contains("\"domain\":\"patients.ssn\"")
                .contains("\"purpose\":\"aead\"").contains("\"master\":\"local:file:m.json\"").contains("\"keyset\":\"AQID\"");
    }

    @Test
    void secondInsertForTheSameDomainReturnsTheFirst() throws Exception {
        Path file = dir.resolve("keys.json");
        WrappedKeyset first = new FileKeyStore(file).insertIfAbsent(keyset("patients.ssn", 1));

        WrappedKeyset returned = new FileKeyStore(file).insertIfAbsent(keyset("patients.ssn", 9));

        assertThat(returned).isEqualTo(first);
        assertThat(new FileKeyStore(file).read("patients.ssn")).contains(first);
    }

    @Test
    void keysetsOfSeveralDomainsAccumulate() throws Exception {
        FileKeyStore store = new FileKeyStore(dir.resolve("keys.json"));
        store.insertIfAbsent(keyset("patients.ssn", 1));
        store.insertIfAbsent(keyset("patients.name", 2));

        assertThat(store.read("patients.ssn")).isPresent();
        assertThat(store.read("patients.name")).isPresent();
        assertThat(store.read("visits.notes")).isEmpty();
    }

    @Test
    void twoKeyringsRacingFirstUseOfOneDomainEndWithOneKeyset() throws Exception {
        Path file = dir.resolve("keys.json");
        KeyringSettings settings = Fixtures.settings(dir.resolve("master.json"), true);
        int racers = 4;
        List<Keyring> keyrings = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            keyrings.add(Fixtures.open(settings, new FileKeyStore(file)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Aead>> results = new ArrayList<>();
            for (Keyring keyring : keyrings) {
                results.add(pool.submit(() -> {
                    start.await();
                    return keyring.aead("patients.name");
                }));
            }
            start.countDown();
            List<Aead> aeads = new ArrayList<>();
            for (Future<Aead> result : results) {
                aeads.add(result.get(30, TimeUnit.SECONDS));
            }

            byte[] ciphertext = aeads.get(0).encrypt(PLAINTEXT, Fixtures.AD);
            for (Aead aead : aeads) {
                assertThat(aead.decrypt(ciphertext, Fixtures.AD)).isEqualTo(PLAINTEXT);
            }
            assertThat(Files.readString(file).split("\"domain\"", -1)).hasSize(2);
        } finally {
            pool.shutdownNow();
            keyrings.forEach(Keyring::close);
        }
    }

    @Test
    void malformedFileIsInvalidWithoutQuotingIt() throws Exception {
        Path file = dir.resolve("keys.json");
        Files.writeString(file, "{\"version\":1,\"keysets\":[{\"domain\":\"x\",\"keyset\":\"c2VjcmV0LWJ5dGVz\"");

        KeyringException e = catchThrowableOfType(KeyringException.class, () -> new FileKeyStore(file).read("x"));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains(file.toString()).doesNotContain("c2VjcmV0LWJ5dGVz");
    }

    @Test
    void fileOfAnotherFormatVersionIsInvalid() throws Exception {
        Path file = dir.resolve("keys.json");
        Files.writeString(file, "{\"version\":2,\"keysets\":[]}");

        KeyringException e = catchThrowableOfType(KeyringException.class, () -> new FileKeyStore(file).read("x"));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
    }

    @Test
    void unwritableLocationIsUnavailable() throws Exception {
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "");
        FileKeyStore store = new FileKeyStore(blocker.resolve("keys.json"));

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> store.insertIfAbsent(keyset("patients.ssn", 1)));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
    }
}
