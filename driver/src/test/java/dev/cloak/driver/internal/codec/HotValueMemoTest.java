package dev.cloak.driver.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A deterministic column with {@code cache: { entries: N }}: hot values skip AES-SIV, until the keys change. */
class HotValueMemoTest {

    private static final String SECRET = "hot-secret-4711";

    static {
        try {
            DeterministicAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static ColumnPolicy column(int entries) {
        return new ColumnPolicy(null, "patients", "ssn", false, ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC,
                "patients.ssn", 0, 0, ColumnPolicy.NO_SCALE, false, entries);
    }

    @Test
    void aHotValueIsEncryptedOnceAndItsCellDecryptedOnce() throws Exception {
        RotatingKeys keys = new RotatingKeys();
        CellCodec codec = new CellCodec(column(100), keys);

        byte[] first = codec.encrypt(SECRET, Types.VARCHAR);
        byte[] second = codec.encrypt(SECRET, Types.VARCHAR);
        byte[] lookup = codec.encryptUnder(SECRET, Types.VARCHAR, codec.lookupVersions().get(0));

        assertThat(second).isEqualTo(first).isNotSameAs(first);
        assertThat(lookup).isEqualTo(first);
        assertThat(keys.encryptions.get()).isEqualTo(1);
        assertThat(codec.decrypt(first)).isEqualTo(SECRET);
        assertThat(codec.decrypt(second)).isEqualTo(SECRET);
        assertThat(keys.decryptions.get()).isEqualTo(1);
    }

    @Test
    void aCellHandedOutCannotChangeWhatTheMemoHolds() throws Exception {
        CellCodec codec = new CellCodec(column(100), new RotatingKeys());
        byte[] first = codec.encrypt(SECRET, Types.VARCHAR);
        byte[] kept = first.clone();
        first[first.length - 1] ^= 1;

        assertThat(codec.encrypt(SECRET, Types.VARCHAR)).isEqualTo(kept);
    }

    @Test
    void newKeysEmptyTheMemoAndGiveTheNewKeysCells() throws Exception {
        RotatingKeys keys = new RotatingKeys();
        CellCodec codec = new CellCodec(column(100), keys);
        byte[] before = codec.encrypt(SECRET, Types.VARCHAR);
        codec.decrypt(before);
        assertThat(codec.memo().size()).isEqualTo(2);

        keys.rotate();
        byte[] after = codec.encrypt(SECRET, Types.VARCHAR);

        assertThat(after).isNotEqualTo(before);
        assertThat(keys.encryptions.get()).isEqualTo(2);
        assertThat(codec.memo().size()).as("only the new cell").isEqualTo(1);
        // the old cell is not answered from the memo: the new keys cannot decrypt it
        assertThatThrownBy(() -> codec.decrypt(before)).isInstanceOf(SQLException.class);
        assertThat(codec.decrypt(after)).isEqualTo(SECRET);
    }

    @Test
    void aLookupUnderAnOlderVersionIsNotRemembered() throws Exception {
        RotatingKeys keys = new RotatingKeys();
        CellCodec codec = new CellCodec(column(100), keys);
        DeterministicAead old = codec.lookupVersions().get(0);
        byte[] oldCell = codec.encrypt(SECRET, Types.VARCHAR);
        keys.rotateKeepingOld();

        assertThat(codec.encryptUnder(SECRET, Types.VARCHAR, old)).isEqualTo(oldCell);
        assertThat(codec.encryptUnder(SECRET, Types.VARCHAR, old)).isEqualTo(oldCell);
        assertThat(codec.encrypt(SECRET, Types.VARCHAR)).isNotEqualTo(oldCell);
        assertThat(keys.encryptions.get()).as("old version twice, new primary once").isEqualTo(4);
        assertThat(codec.memo().size()).isEqualTo(1);
    }

    @Test
    void closeEmptiesTheMemo() throws Exception {
        CellCodec codec = new CellCodec(column(100), new RotatingKeys());
        codec.decrypt(codec.encrypt(SECRET, Types.VARCHAR));

        codec.close();

        assertThat(codec.memo().size()).isZero();
    }

    @Test
    void theMemoIsBounded() throws Exception {
        CellCodec codec = new CellCodec(column(10), new RotatingKeys());
        for (int i = 0; i < 100; i++) {
            codec.encrypt("value-" + i, Types.VARCHAR);
        }
        assertThat(codec.memo().size()).isLessThanOrEqualTo(10);
    }

    @Test
    void noPlaintextShowsInToString() throws Exception {
        CellCodec codec = new CellCodec(column(100), new RotatingKeys());
        codec.decrypt(codec.encrypt(SECRET, Types.VARCHAR));
        String hex = HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8));

        for (String shown : List.of(codec.memo().toString(), codec.toString())) {
            assertThat(shown).doesNotContain(SECRET).doesNotContainIgnoringCase(hex).doesNotContain("hot-secret");
        }
        assertThat(codec.memo().toString()).isEqualTo("HotValueMemo[1 cells, 1 values]");
    }

    @Test
    void withoutCacheEntriesThereIsNoMemo() throws Exception {
        ColumnPolicy randomized = new ColumnPolicy(null, "patients", "name", false, ColumnType.VARCHAR,
                EncryptionMode.RANDOMIZED, "patients.name", 0, 0);
        assertThat(new CellCodec(column(0), new RotatingKeys()).memo()).isNull();
        assertThat(new CellCodec(randomized, new RotatingKeys()).memo()).isNull();
        assertThatThrownBy(() -> new ColumnPolicy(null, "patients", "name", false, ColumnType.VARCHAR,
                EncryptionMode.RANDOMIZED, "patients.name", 0, 0, ColumnPolicy.NO_SCALE, false, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deterministic columns only");
    }

    /**
     * A domain's AES-SIV versions as the keyring hands them out: the same list object until the keys change,
     * counting what reaches the primitive.
     */
    private static final class RotatingKeys implements CellKeys {
        final AtomicInteger encryptions = new AtomicInteger();
        final AtomicInteger decryptions = new AtomicInteger();
        private List<DeterministicAead> versions;

        RotatingKeys() throws GeneralSecurityException {
            versions = List.of(counting(newKey()));
        }

        void rotate() throws GeneralSecurityException {
            versions = List.of(counting(newKey()));
        }

        void rotateKeepingOld() throws GeneralSecurityException {
            versions = List.of(counting(newKey()), versions.get(0));
        }

        private static DeterministicAead newKey() throws GeneralSecurityException {
            return KeysetHandle.generateNew(PredefinedDeterministicAeadParameters.AES256_SIV)
                    .getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
        }

        private DeterministicAead counting(DeterministicAead key) {
            return new DeterministicAead() {
                @Override
                public byte[] encryptDeterministically(byte[] plaintext, byte[] ad) throws GeneralSecurityException {
                    encryptions.incrementAndGet();
                    return key.encryptDeterministically(plaintext, ad);
                }

                @Override
                public byte[] decryptDeterministically(byte[] ciphertext, byte[] ad)
                        throws GeneralSecurityException {
                    decryptions.incrementAndGet();
                    return key.decryptDeterministically(ciphertext, ad);
                }
            };
        }

        @Override
        public Aead aead(String keyDomain) {
            throw new UnsupportedOperationException("deterministic only");
        }

        /** The primary; a real keyset primitive would also decrypt under the others. */
        @Override
        public DeterministicAead deterministicAead(String keyDomain) {
            return versions.get(0);
        }

        @Override
        public List<DeterministicAead> deterministicAeadsByVersion(String keyDomain) {
            return versions;
        }
    }
}
