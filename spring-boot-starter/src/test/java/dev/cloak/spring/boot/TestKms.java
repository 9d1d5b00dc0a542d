package dev.cloak.spring.boot;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyProvider;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import java.security.GeneralSecurityException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A KMS double for {@code test-kms:file:PATH} master keys (a local key file behind it), found by the keyring through
 * {@code META-INF/services}: it counts master-key opens and calls, and a test can make it refuse (an outage) or hang.
 * Static, as the keyring creates providers itself; tests reset it.
 */
public final class TestKms implements MasterKeyProvider {

    private static final AtomicInteger OPENS = new AtomicInteger();
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final AtomicBoolean DOWN = new AtomicBoolean();
    private static final AtomicReference<CountDownLatch> HANG = new AtomicReference<>();

    private final LocalMasterKeyProvider local = new LocalMasterKeyProvider();

    /** How many times a master key was opened (once per compiled policy). */
    static int opens() {
        return OPENS.get();
    }

    /** How many encrypt and decrypt calls reached the master key. */
    static int calls() {
        return CALLS.get();
    }

    /** Makes every call fail as an unreachable KMS does, or answer again. */
    static void down(boolean down) {
        DOWN.set(down);
    }

    /** Makes every call wait until {@link #reset()}, as a KMS that does not answer. */
    static void hang() {
        HANG.set(new CountDownLatch(1));
    }

    /** Answers normally again and releases hanging calls. */
    static void reset() {
        DOWN.set(false);
        CountDownLatch latch = HANG.getAndSet(null);
        if (latch != null) {
            latch.countDown();
        }
    }

    @Override
    public String scheme() {
        return "test-kms";
    }

    @Override
    public Aead open(String uri) throws KeyringException {
        OPENS.incrementAndGet();
        Aead master = local.open("local:" + uri.substring("test-kms:".length()));
        return new Aead() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                answer();
                return master.encrypt(plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                answer();
                return master.decrypt(ciphertext, associatedData);
            }
        };
    }

    private static void answer() throws GeneralSecurityException {
        CALLS.incrementAndGet();
        CountDownLatch latch = HANG.get();
        if (latch != null) {
            try {
                latch.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (DOWN.get()) {
            throw new GeneralSecurityException("test KMS is down", new java.net.ConnectException("Connection refused"));
        }
    }
}
