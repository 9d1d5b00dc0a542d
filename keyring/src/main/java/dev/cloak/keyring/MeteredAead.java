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

    /** One call to the master key. */
    private interface Call {
        byte[] run() throws GeneralSecurityException;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return timed("encrypt", () -> aead.encrypt(plaintext, associatedData));
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return timed("decrypt", () -> aead.decrypt(ciphertext, associatedData));
    }

    private byte[] timed(String operation, Call call) throws GeneralSecurityException {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            byte[] result = call.run();
            failed = false;
            return result;
        } finally {
            statistics.kmsCall(provider, operation, System.nanoTime() - start, failed);
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
