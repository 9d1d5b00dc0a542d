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
     * Whether {@code keyDomain} has a key version with Tink key id {@code keyId}, as last loaded: asked only after a
     * cell failed to decrypt, to tell an unknown key version from a cell that does not authenticate. True when not
     * known.
     */
    default boolean hasKeyVersion(String keyDomain, int keyId) {
        return true;
    }
}
