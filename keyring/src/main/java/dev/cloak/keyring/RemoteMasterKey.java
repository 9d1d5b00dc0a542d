package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * A master key in a remote KMS, as a Tink {@link Aead}, and the one place the rules of remote calls live:
 *
 * <ul>
 *   <li>Envelope: each wrap draws a fresh 256-bit data key, seals the keyset with it in this process (AES-GCM,
 *       bound to the associated data), and has the KMS encrypt only the data key, bound to the same
 *       {@link KmsBinding}. A keyset of any size fits every KMS (AWS KMS encrypts at most 4 KiB, which a keyset
 *       of some thirty rotated versions passes), the keyset never leaves the process, and the KMS still refuses
 *       to unwrap under another binding. Stored as {@code 0x01 · u16 length · KMS ciphertext · sealed keyset}.</li>
 *   <li>Deadline: one wrap or unwrap, retries included, takes at most {@code keyring.kms-timeout}. Each attempt
 *       runs on a worker thread and the caller waits no longer than the time left, whatever the client library
 *       does with DNS, token endpoints or slow answers.</li>
 *   <li>Retries: only of what the {@link KmsKey} calls retryable (throttling, 5xx, network failures), at most
 *       {@value #MAX_ATTEMPTS} attempts, after an exponential backoff with full jitter, or as long as the KMS asked
 *       ({@link KmsCallException#retryAfter()}) if that is longer, while time is left. A refusal, an unknown key or a
 *       ciphertext the KMS rejects is never retried.</li>
 * </ul>
 *
 * Failures are {@link MasterKeyException}s of the {@link KmsCallException}'s kind. Thread-safe.
 */
public final class RemoteMasterKey implements Aead, AutoCloseable {

    static final int MAX_ATTEMPTS = 4;
    static final Duration BASE_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private static final byte FORMAT = 0x01;
    private static final int DATA_KEY_BYTES = 32;
    private static final int HEADER_BYTES = 3;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Daemon workers for attempts: a call the caller gave up on may finish there without holding anyone. */
    private static final ExecutorService ATTEMPTS = Executors.newCachedThreadPool(new WorkerThreads());

    /** Waits between attempts; a test can record the waits instead. */
    interface Backoff {
        void sleep(long nanos) throws InterruptedException;
    }

    private final KmsKey key;
    private final Duration timeout;
    private final RandomGenerator jitter;
    private final Backoff backoff;
    /** Set by {@link #close()}: no attempt starts after it, so a closed keyring's retries do not go on calling. */
    private volatile boolean closed;

    private RemoteMasterKey(KmsKey key, Duration timeout, RandomGenerator jitter, Backoff backoff) {
        this.key = Objects.requireNonNull(key, "key");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /** The master key {@code key}, every call held to {@code options.kmsTimeout()}. */
    public static RemoteMasterKey create(KmsKey key, MasterKeyOptions options) {
        return new RemoteMasterKey(key, options.kmsTimeout(), RandomGenerator.getDefault(),
                nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
    }

    /** As {@link #create}, with the jitter and the waits between attempts given (tests). */
    static RemoteMasterKey create(KmsKey key, Duration timeout, RandomGenerator jitter, Backoff backoff) {
        return new RemoteMasterKey(key, timeout, jitter, backoff);
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        KmsBinding binding = KmsBinding.of(associatedData);
        byte[] dataKey = new byte[DATA_KEY_BYTES];
        RANDOM.nextBytes(dataKey);
        try {
            byte[] sealed = new AesGcmJce(dataKey).encrypt(plaintext, binding.associatedData());
            byte[] wrappedKey = call(Operation.ENCRYPT, dataKey, binding);
            if (wrappedKey.length == 0 || wrappedKey.length > 0xFFFF) {
                throw new MasterKeyException(KeyringException.Kind.UNAVAILABLE, key.describe()
                        + " answered an encrypt with a ciphertext of " + wrappedKey.length + " bytes", null);
            }
            return ByteBuffer.allocate(HEADER_BYTES + wrappedKey.length + sealed.length)
                    .put(FORMAT).putShort((short) wrappedKey.length).put(wrappedKey).put(sealed).array();
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        if (ciphertext.length < HEADER_BYTES || ciphertext[0] != FORMAT) {
            throw new GeneralSecurityException("wrapped keyset is not in the format of a remote master key");
        }
        int wrappedLength = ((ciphertext[1] & 0xFF) << 8) | (ciphertext[2] & 0xFF);
        if (wrappedLength == 0 || HEADER_BYTES + wrappedLength >= ciphertext.length) {
            throw new GeneralSecurityException("wrapped keyset is truncated");
        }
        KmsBinding binding = KmsBinding.of(associatedData);
        byte[] wrappedKey = Arrays.copyOfRange(ciphertext, HEADER_BYTES, HEADER_BYTES + wrappedLength);
        byte[] dataKey = call(Operation.DECRYPT, wrappedKey, binding);
        try {
            if (dataKey.length != DATA_KEY_BYTES) {
                throw new GeneralSecurityException("data key of the wrapped keyset has the wrong length");
            }
            return new AesGcmJce(dataKey).decrypt(
                    Arrays.copyOfRange(ciphertext, HEADER_BYTES + wrappedLength, ciphertext.length),
                    binding.associatedData());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** One operation of the KMS, within the deadline, retried while it fails retryably and time is left. */
    private byte[] call(Operation operation, byte[] input, KmsBinding binding) throws MasterKeyException {
        long deadline = System.nanoTime() + timeout.toNanos();
        KmsCallException last = null;
        for (int attempt = 1; ; attempt++) {
            if (closed) {
                throw new MasterKeyException(KeyringException.Kind.UNAVAILABLE, key.describe() + " "
                        + operation.verb + " was not attempted: the keyring was closed", last);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timedOut(operation, attempt - 1, last);
            }
            Future<byte[]> answer = ATTEMPTS.submit(() -> operation.run(key, input, binding, Duration.ofNanos(left)));
            try {
                return answer.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                answer.cancel(true);
                throw timedOut(operation, attempt, last);
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new MasterKeyException(KeyringException.Kind.UNAVAILABLE, key.describe() + " "
                        + operation.verb + " was interrupted", e);
            } catch (CancellationException e) {
                throw new MasterKeyException(KeyringException.Kind.UNAVAILABLE, key.describe() + " "
                        + operation.verb + " was cancelled", e);
            } catch (ExecutionException e) {
                last = classified(e.getCause());
            }
            if (!last.retryable()) {
                throw new MasterKeyException(last.kind(), last.getMessage(), last);
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new MasterKeyException(KeyringException.Kind.UNAVAILABLE, key.describe() + " " + operation.verb
                        + " failed " + attempt + " times: " + last.getMessage(), last);
            }
            long cap = Math.min(MAX_BACKOFF.toNanos(), BASE_BACKOFF.toNanos() << (attempt - 1));
            // never sooner than the KMS asked (Retry-After); a wait that would end after the deadline is not begun
            long wait = Math.max(jitter.nextLong(cap + 1), last.retryAfter().toNanos());
            if (System.nanoTime() + wait >= deadline) {
                throw timedOut(operation, attempt, last);
            }
            try {
                backoff.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MasterKeyException(KeyringException.Kind.UNAVAILABLE, key.describe() + " "
                        + operation.verb + " was interrupted", last);
            }
        }
    }

    /**
     * What a failed attempt means: a KMS failure as its client classified it; an exception that says the call itself
     * is wrong (an argument the client refused, a missing class) is a configuration or programming error, not
     * retried; anything else is unavailability. An unclassified exception's message may quote the request (the JDK
     * refuses a header value by quoting it, a token included), so only its class is named, here and in its cause.
     */
    private KmsCallException classified(Throwable failure) {
        if (failure instanceof KmsCallException classified) {
            return classified;
        }
        String what = key.describe() + " failed: " + failure.getClass().getName();
        Unclassified cause = new Unclassified(failure, 0);
        if (failure instanceof IllegalArgumentException || failure instanceof NullPointerException
                || failure instanceof ClassCastException || failure instanceof UnsupportedOperationException
                || failure instanceof IndexOutOfBoundsException || failure instanceof LinkageError) {
            return KmsCallException.permanent(KeyringException.Kind.INVALID, what
                    + " (a configuration or programming error, which a retry cannot cure)", cause);
        }
        return KmsCallException.transientFailure(what, cause);
    }

    private MasterKeyException timedOut(Operation operation, int attempts, KmsCallException last) {
        String message = key.describe() + " did not " + operation.verb + " within keyring.kms-timeout ("
                + timeout.toMillis() + " ms, " + attempts + " attempt(s))"
                + (last == null ? "" : "; last failure: " + last.getMessage());
        return new MasterKeyException(KeyringException.Kind.UNAVAILABLE, message, last);
    }

    /** Closes the key's client (connections, token renewal); a call retrying meanwhile makes no further attempt. */
    @Override
    public void close() {
        closed = true;
        key.close();
    }

    @Override
    public String toString() {
        return "RemoteMasterKey[" + key.describe() + "]";
    }

    private enum Operation {
        ENCRYPT("encrypt") {
            @Override
            byte[] run(KmsKey key, byte[] input, KmsBinding binding, Duration timeout) throws KmsCallException {
                return key.encrypt(input, binding, timeout);
            }
        },
        DECRYPT("decrypt") {
            @Override
            byte[] run(KmsKey key, byte[] input, KmsBinding binding, Duration timeout) throws KmsCallException {
                return key.decrypt(input, binding, timeout);
            }
        };

        private final String verb;

        Operation(String verb) {
            this.verb = verb;
        }

        abstract byte[] run(KmsKey key, byte[] input, KmsBinding binding, Duration timeout) throws KmsCallException;
    }

    /** An exception as its class and stack trace, and its causes likewise: their messages are left out. */
    private static final class Unclassified extends Exception {
        private static final long serialVersionUID = 1L;
        /** Causes followed at most this deep (a cause chain may loop). */
        private static final int DEPTH = 8;

        Unclassified(Throwable failure, int depth) {
            super(failure.getClass().getName() + " (its message is left out)",
                    failure.getCause() == null || depth >= DEPTH ? null : new Unclassified(failure.getCause(),
                            depth + 1));
            setStackTrace(failure.getStackTrace());
        }
    }

    /** Names the workers and makes them daemons, so an abandoned attempt never keeps the JVM alive. */
    private static final class WorkerThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, "cloak-kms-call-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
