package dev.cloak.keyring;

import java.time.Duration;

/**
 * One key in a remote KMS, as a provider's client reaches it: one attempt at an encrypt or a decrypt, bound to a
 * {@link KmsBinding}, within a time limit, its failures classified. {@link RemoteMasterKey} adds the rest (the
 * deadline over all attempts, retries with backoff and jitter, the envelope around the keyset), so every remote
 * provider gets the same rules. Implementations are thread-safe.
 */
public interface KmsKey extends AutoCloseable {

    /** The key, for messages: the scheme and the key's name, never a token or a credential. */
    String describe();

    /**
     * Encrypts {@code plaintext} (a 32-byte data key) under this key, bound to {@code binding}.
     *
     * @param timeout how long this attempt may take, connecting included
     * @return the KMS's ciphertext, as the KMS's {@link #decrypt} takes it back
     */
    byte[] encrypt(byte[] plaintext, KmsBinding binding, Duration timeout) throws KmsCallException;

    /**
     * Decrypts what {@link #encrypt} returned, under the same binding; another binding fails as
     * {@link KeyringException.Kind#UNWRAP_FAILED}, as the KMS refuses it.
     *
     * @param timeout how long this attempt may take, connecting included
     */
    byte[] decrypt(byte[] ciphertext, KmsBinding binding, Duration timeout) throws KmsCallException;

    /** Lets go of connections and background work (token renewal); the default holds none. */
    @Override
    default void close() {
    }
}
