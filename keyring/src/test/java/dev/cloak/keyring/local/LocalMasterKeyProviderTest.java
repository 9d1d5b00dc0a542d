package dev.cloak.keyring.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.KeyringException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMasterKeyProviderTest {

    private static final byte[] KEYSET = {1, 2, 3, 4};
    private static final byte[] AD = {9};

    @TempDir
    Path dir;

    private final LocalMasterKeyProvider provider = new LocalMasterKeyProvider();

    @Test
    void servesTheLocalScheme() {
        assertThat(provider.scheme()).isEqualTo("local");
    }

    @Test
    void missingFileIsCreatedOwnerOnly() throws Exception {
        Path file = dir.resolve("keys/master.json");

        provider.open("local:file:" + file);

        assertThat(file).exists();
        assertThat(Files.readString(file)).contains("AesGcmKey");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void reopeningTheFileGivesTheSameKeyInBothUriForms() throws Exception {
        Path file = dir.resolve("master.json");
        byte[] wrapped = provider.open("local:file:" + file).encrypt(KEYSET, AD);

        Aead reopened = provider.open("local:" + file);

        assertThat(reopened.decrypt(wrapped, AD)).isEqualTo(KEYSET);
    }

    @Test
    void differentFilesHoldDifferentKeys() throws Exception {
        byte[] wrapped = provider.open("local:file:" + dir.resolve("a.json")).encrypt(KEYSET, AD);
        Aead other = provider.open("local:file:" + dir.resolve("b.json"));

        assertThatThrownBy(() -> other.decrypt(wrapped, AD)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void threadsRacingToCreateTheFileEndWithOneKey() throws Exception {
        String uri = "local:file:" + dir.resolve("master.json");
        int racers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Aead>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return provider.open(uri);
                }));
            }
            start.countDown();
            List<Aead> keys = new ArrayList<>();
            for (Future<Aead> result : results) {
                keys.add(result.get(30, TimeUnit.SECONDS));
            }

            byte[] wrapped = keys.get(0).encrypt(KEYSET, AD);
            for (Aead key : keys) {
                assertThat(key.decrypt(wrapped, AD)).isEqualTo(KEYSET);
            }
            try (var files = Files.list(dir)) {
                assertThat(files).containsExactly(dir.resolve("master.json"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void uriWithoutAPathIsRejected() {
        assertThatThrownBy(() -> provider.open("local:file:")).isInstanceOf(KeyringException.class)
                .hasMessageContaining("names no file")
                .extracting(e -> ((KeyringException) e).kind()).isEqualTo(KeyringException.Kind.INVALID);
    }

    @Test
    void fileThatIsNotAKeysetIsInvalidWithoutQuotingIt() throws Exception {
        Path file = dir.resolve("master.json");
        Files.writeString(file, "not a keyset");

        assertThatThrownBy(() -> provider.open("local:file:" + file)).isInstanceOf(KeyringException.class)
                .hasMessageContaining(file.toString()).hasNoCause()
                .extracting(e -> ((KeyringException) e).kind()).isEqualTo(KeyringException.Kind.INVALID);
    }
}
