package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;

/**
 * A master key's {@link Aead} that counts each call, its time and its failure on {@link KeyringStatistics}: every
 * wrap and unwrap of a keyset is one call to the KMS or HSM. Closes what it wraps when that holds a client.
 */
final class MeteredAead implements Aead, AutoCloseable {

    private final String provider;
    private final Aead aead;
    private final KeyringStatistics statistics;

    MeteredAead(String provider, Aead aead, KeyringStatistics statistics) {
        this.provider = provider;
        this.aead = aead;
        this.statistics = statistics;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            byte[] result = aead.encrypt(plaintext, associatedData);
            failed = false;
            return result;
        } finally {
            statistics.kmsCall(provider, "encrypt", System.nanoTime() - start, failed);
        }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            byte[] result = aead.decrypt(ciphertext, associatedData);
            failed = false;
            return result;
        } finally {
            statistics.kmsCall(provider, "decrypt", System.nanoTime() - start, failed);
        }
    }

    @Override
    public void close() throws Exception {
        if (aead instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Override
    public String toString() {
        return "MeteredAead[" + provider + "]";
    }
}
