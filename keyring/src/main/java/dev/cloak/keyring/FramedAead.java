package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;

/**
 * An {@link Aead} for a caller that keeps Tink's ciphertext inside a larger array (a header in front of it): it
 * decrypts from an offset and encrypts with room left in front, so that the caller copies the ciphertext neither
 * out of its array nor into one. The ciphertexts are the same as {@link #encrypt(byte[], byte[])} gives.
 */
public interface FramedAead extends Aead {

    /**
     * As {@link #encrypt(byte[], byte[])}, in a new array that starts with {@code headroom} bytes left zero for the
     * caller, then the ciphertext.
     */
    byte[] encrypt(byte[] plaintext, byte[] associatedData, int headroom) throws GeneralSecurityException;

    /** As {@link #decrypt(byte[], byte[])}, of the ciphertext from {@code offset} to the end of {@code buffer}. */
    byte[] decrypt(byte[] buffer, int offset, byte[] associatedData) throws GeneralSecurityException;
}
