package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.subtle.AesGcmJce;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The rules of every remote call, against a KMS key in memory that fails as it is told. */
class RemoteMasterKeyTest {

    private static final byte[] KEYSET = new byte[700];
    private static final byte[] AD = "cloak/keyset/v2/patients.ssn/aead/3".getBytes(StandardCharsets.UTF_8);

    /** A KMS key in memory: AES-GCM under the binding's associated data; fails with the queued failures first. */
    private static final class MemoryKmsKey implements KmsKey {
        final Queue<KmsCallException> failures = new ConcurrentLinkedQueue<>();
        final Queue<RuntimeException> unclassified = new ConcurrentLinkedQueue<>();
        final List<Integer> inputSizes = new CopyOnWriteArrayList<>();
        final List<KmsBinding> bindings = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        final byte[] material = new byte[32];
        volatile Duration hang = Duration.ZERO;

        @Override
        public String describe() {
            return "memory key";
        }

        @Override
        public byte[] encrypt(byte[] plaintext, KmsBinding binding, Duration timeout) throws KmsCallException {
            attempt(plaintext, binding);
            try {
                return new AesGcmJce(material).encrypt(plaintext, binding.associatedData());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, KmsBinding binding, Duration timeout) throws KmsCallException {
            attempt(ciphertext, binding);
            try {
                return new AesGcmJce(material).decrypt(ciphertext, binding.associatedData());
            } catch (GeneralSecurityException e) {
                throw KmsCallException.permanent(KeyringException.Kind.UNWRAP_FAILED, "refused", null);
            }
        }

        private void attempt(byte[] input, KmsBinding binding) throws KmsCallException {
            calls.incrementAndGet();
            inputSizes.add(input.length);
            bindings.add(binding);
            if (!hang.isZero()) {
                try {
                    Thread.sleep(hang.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            RuntimeException bug = unclassified.poll();
            if (bug != null) {
                throw bug;
            }
            KmsCallException failure = failures.poll();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Jitter that records the bound it was asked for and answers a third of it. */
    private static class RecordingJitter implements RandomGenerator {
        final List<Long> bounds = new ArrayList<>();

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            bounds.add(bound);
            return bound / 3;
        }
    }

    private final MemoryKmsKey kms = new MemoryKmsKey();
    private final RecordingJitter jitter = new RecordingJitter();
    private final List<Long> waits = new CopyOnWriteArrayList<>();

    private RemoteMasterKey key(Duration timeout) {
        return RemoteMasterKey.create(kms, timeout, jitter, waits::add);
    }

    private static KmsCallException throttled() {
        return KmsCallException.transientFailure("ThrottlingException", null);
    }

    @Test
    void aKeysetRoundTripsAndOnlyA32ByteDataKeyReachesTheKms() throws Exception {
        RemoteMasterKey key = key(Duration.ofSeconds(5));

        byte[] wrapped = key.encrypt(KEYSET, AD);

        assertThat(key.decrypt(wrapped, AD)).isEqualTo(KEYSET);
        assertThat(kms.inputSizes.get(0)).isEqualTo(32);
        assertThat(kms.bindings).extracting(b -> b.domain().orElseThrow()).containsOnly("patients.ssn");
    }

    @Test
    void aKeysetWrappedForOneBindingDoesNotUnwrapUnderAnother() throws Exception {
        RemoteMasterKey key = key(Duration.ofSeconds(5));
        byte[] wrapped = key.encrypt(KEYSET, AD);

        MasterKeyException e = catchThrowableOfType(MasterKeyException.class,
                () -> key.decrypt(wrapped, "cloak/keyset/v2/visits.ssn/aead/3".getBytes(StandardCharsets.UTF_8)));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
    }

    @Test
    void aTruncatedEnvelopeIsRefusedWithoutAKmsCall() {
        RemoteMasterKey key = key(Duration.ofSeconds(5));

        assertThat(catchThrowableOfType(GeneralSecurityException.class, () -> key.decrypt(new byte[] {1, 0, 40}, AD)))
                .isNotInstanceOf(MasterKeyException.class);
        assertThat(kms.calls).hasValue(0);
    }

    @Test
    void retryableFailuresAreRetriedAfterExponentialBackoffWithJitter() throws Exception {
        kms.failures.add(throttled());
        kms.failures.add(throttled());
        kms.failures.add(throttled());
        RemoteMasterKey key = key(Duration.ofSeconds(30));

        key.encrypt(KEYSET, AD);

        long base = RemoteMasterKey.BASE_BACKOFF.toNanos();
        assertThat(jitter.bounds).containsExactly(base + 1, 2 * base + 1, 4 * base + 1);
        assertThat(waits).containsExactly((base + 1) / 3, (2 * base + 1) / 3, (4 * base + 1) / 3);
        assertThat(kms.calls).hasValue(4);
    }

    /** A keyring closed while a call waits to retry: no attempt after the close (the KMS saw only the first). */
    @Test
    void aCallRetryingWhenItsKeyIsClosedMakesNoFurtherAttempt() {
        kms.failures.add(throttled());
        kms.failures.add(throttled());
        RemoteMasterKey[] holder = new RemoteMasterKey[1];
        holder[0] = RemoteMasterKey.create(kms, Duration.ofSeconds(30), jitter, nanos -> holder[0].close());

        MasterKeyException e = catchThrowableOfType(MasterKeyException.class, () -> holder[0].encrypt(KEYSET, AD));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("the keyring was closed");
        assertThat(kms.calls).hasValue(1);
    }

    @Test
    void retriesStopAfterTheLastAttempt() {
        for (int i = 0; i < 10; i++) {
            kms.failures.add(throttled());
        }
        RemoteMasterKey key = key(Duration.ofSeconds(30));

        MasterKeyException e = catchThrowableOfType(MasterKeyException.class, () -> key.encrypt(KEYSET, AD));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(kms.calls).hasValue(RemoteMasterKey.MAX_ATTEMPTS);
    }

    @Test
    void aRefusalIsNeverRetried() {
        kms.failures.add(KmsCallException.permanent(KeyringException.Kind.ACCESS_DENIED, "AccessDenied", null));
        RemoteMasterKey key = key(Duration.ofSeconds(30));

        MasterKeyException e = catchThrowableOfType(MasterKeyException.class, () -> key.encrypt(KEYSET, AD));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
        assertThat(kms.calls).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void aKmsThatHangsFailsTheCallWithinTheTimeout() {
        kms.hang = Duration.ofSeconds(20);
        RemoteMasterKey key = key(Duration.ofMillis(300));

        long start = System.nanoTime();
        MasterKeyException e = catchThrowableOfType(MasterKeyException.class, () -> key.encrypt(KEYSET, AD));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("keyring.kms-timeout");
    }

    @Test
    void noRetryStartsThatWouldEndAfterTheDeadline() {
        for (int i = 0; i < 10; i++) {
            kms.failures.add(throttled());
        }
        // the waits are 50 ms and 100 ms, really slept: the second would end after the 150 ms deadline
        RemoteMasterKey key = RemoteMasterKey.create(kms, Duration.ofMillis(150), new RecordingJitter() {
            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        }, nanos -> Thread.sleep(nanos / 1_000_000));

        long start = System.nanoTime();
        MasterKeyException e = catchThrowableOfType(MasterKeyException.class, () -> key.encrypt(KEYSET, AD));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(150));
        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("keyring.kms-timeout").contains("ThrottlingException");
        assertThat(kms.calls.get()).isBetween(1, 2);
    }

    @Test
    void aWaitIsNeverShorterThanTheKmsAskedWithRetryAfter() throws Exception {
        kms.failures.add(KmsCallException.throttled("HTTP 429 (Retry-After: 700 ms)", Duration.ofMillis(700)));
        RemoteMasterKey key = key(Duration.ofSeconds(5));

        key.encrypt(KEYSET, AD);

        assertThat(waits).containsExactly(Duration.ofMillis(700).toNanos());
        assertThat(kms.calls).hasValue(2);
    }

    @Test
    void aRetryAfterBeyondTheDeadlineFailsAtOnceInsteadOfWaiting() {
        kms.failures.add(KmsCallException.throttled("HTTP 429 (Retry-After: 30000 ms)", Duration.ofSeconds(30)));
        RemoteMasterKey key = key(Duration.ofSeconds(5));

        MasterKeyException e = catchThrowableOfType(MasterKeyException.class, () -> key.encrypt(KEYSET, AD));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("keyring.kms-timeout").contains("Retry-After: 30000 ms");
        assertThat(waits).isEmpty();
        assertThat(kms.calls).hasValue(1);
    }

    /** The JDK refuses a bad header value by quoting it: a token that reached a header must not reach a message. */
    @Test
    void anUnclassifiedArgumentErrorIsAConfigurationErrorNamedByItsClassOnlyAndNotRetried() {
        kms.unclassified.add(new IllegalArgumentException("invalid header value: \"hvs.Secret-Token-0123\\n\""));
        RemoteMasterKey key = key(Duration.ofSeconds(5));

        MasterKeyException e = catchThrowableOfType(MasterKeyException.class, () -> key.encrypt(KEYSET, AD));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains("IllegalArgumentException").doesNotContain("Secret-Token");
        assertThat(messagesOf(e)).noneMatch(message -> message.contains("Secret-Token"));
        assertThat(kms.calls).hasValue(1);
    }

    @Test
    void anUnclassifiedRuntimeFailureIsRetriedAsUnavailableWithoutItsMessage() {
        for (int i = 0; i < RemoteMasterKey.MAX_ATTEMPTS; i++) {
            kms.unclassified.add(new IllegalStateException("pool closed for hvs.Secret-Token-0123",
                    new RuntimeException("cause quoting hvs.Secret-Token-0123")));
        }
        RemoteMasterKey key = key(Duration.ofSeconds(5));

        MasterKeyException e = catchThrowableOfType(MasterKeyException.class, () -> key.encrypt(KEYSET, AD));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("IllegalStateException");
        assertThat(messagesOf(e)).noneMatch(message -> message.contains("Secret-Token"));
        assertThat(kms.calls).hasValue(RemoteMasterKey.MAX_ATTEMPTS);
    }

    /** The messages of {@code failure} and its causes, as a log's stack trace prints them. */
    private static List<String> messagesOf(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(t.toString());
        }
        return messages;
    }
}
