package dev.cloak.driver.internal.codec;

import java.sql.SQLException;
import java.util.List;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;

/**
 * The primitives of a key domain, supplied by the driver (backed by the keyring and its cache). Called on
 * every cell, so implementations answer from memory once warm; a key that cannot be had fails with an
 * {@link SQLException} (SQLState 58030 when the KMS or key store is unavailable), never with a fallback.
 */
public interface CellKeys {

    /** The AES256_GCM primitive of {@code keyDomain}: its primary key encrypts, every enabled version decrypts. */
    Aead aead(String keyDomain) throws SQLException;

    /** The AES256_SIV primitive of {@code keyDomain}: its primary key encrypts, every enabled version decrypts. */
    DeterministicAead deterministicAead(String keyDomain) throws SQLException;

    /**
     * One AES256_SIV primitive per enabled key version of {@code keyDomain}, the primary first: while the domain
     * rotates, a lookup by value compares with a ciphertext under each. A keyring without versions
     * has just its primary.
     */
    default List<DeterministicAead> deterministicAeadsByVersion(String keyDomain) throws SQLException {
        return List.of(deterministicAead(keyDomain));
    }

    /**
     * The primitives of {@code keyDomain} for a codec that asks for them on every cell, found once: by default
     * this object's methods for that domain; an implementation that keeps domains in a map answers without a lookup.
     */
    default Domain forDomain(String keyDomain) {
        CellKeys keys = this;
        return new Domain() {
            @Override
            public Aead aead() throws SQLException {
                return keys.aead(keyDomain);
            }

            @Override
            public DeterministicAead deterministicAead() throws SQLException {
                return keys.deterministicAead(keyDomain);
            }

            @Override
            public List<DeterministicAead> deterministicAeadsByVersion() throws SQLException {
                return keys.deterministicAeadsByVersion(keyDomain);
            }

            @Override
            public boolean hasKeyVersion(int keyId) {
                return keys.hasKeyVersion(keyDomain, keyId);
            }
        };
    }

    /** The primitives of one key domain, as the methods of {@link CellKeys} give them for it. */
    interface Domain {
        Aead aead() throws SQLException;

        DeterministicAead deterministicAead() throws SQLException;

        List<DeterministicAead> deterministicAeadsByVersion() throws SQLException;

        /** As {@link CellKeys#hasKeyVersion(String, int)} for this domain. */
        boolean hasKeyVersion(int keyId);
    }

    /**
     * Whether {@code keyDomain} has a key version with Tink key id {@code keyId}, as last loaded: asked only after a
     * cell failed to decrypt, to tell an unknown key version from a cell that does not authenticate. True when not
     * known.
     */
    default boolean hasKeyVersion(String keyDomain, int keyId) {
        return true;
    }
}
