package dev.cloak.keyring;

import com.google.crypto.tink.DeterministicAead;
import java.security.GeneralSecurityException;

/**
 * A {@link DeterministicAead} for a caller that keeps Tink's ciphertext inside a larger array (a header in front of
 * it): it decrypts from an offset, so that the caller does not copy the ciphertext out of its array first. The
 * ciphertexts are the same as {@link #encryptDeterministically(byte[], byte[])} gives.
 */
public interface FramedDeterministicAead extends DeterministicAead {

    /**
     * As {@link #decryptDeterministically(byte[], byte[])}, of the ciphertext from {@code offset} to the end of
     * {@code buffer}.
     */
    byte[] decryptDeterministically(byte[] buffer, int offset, byte[] associatedData)
            throws GeneralSecurityException;
}
