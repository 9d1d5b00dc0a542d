package dev.cloak.keyring.store;

import dev.cloak.keyring.KeyringException;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers, outside the key store, the newest generation of every key domain this process has used: each change to
 * a domain's keyset (created, rotated, re-wrapped, a version destroyed) stores it under the next generation, which is
 * bound into the wrap, so a key store rolled back to an older keyset (a restored backup of {@code cloak_keys}, an
 * older copy of the key file) shows a generation lower than the ledger's, and a store that lost a domain shows none.
 * The ledger must live where whoever can roll back the key store cannot roll it back too: for the {@code database}
 * store, a file on the application's host (see {@link FileGenerationLedger}). Implementations are safe for several
 * threads and processes.
 */
public interface GenerationLedger {

    /** No ledger: nothing is remembered and nothing is refused (a policy without {@code keyring.ledger}). */
    GenerationLedger NONE = new GenerationLedger() {
        @Override
        public Optional<Entry> seen(String domain) {
            return Optional.empty();
        }

        @Override
        public Optional<Entry> admit(String domain, Entry entry) {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "GenerationLedger.NONE";
        }
    };

    /** What the ledger remembers of {@code domain}, if anything. */
    Optional<Entry> seen(String domain) throws KeyringException;

    /**
     * Remembers {@code entry} as the newest of {@code domain} unless the ledger already holds a newer generation, or
     * the same generation of other bytes; an entry equal to the remembered one changes nothing.
     *
     * @return empty when the entry is (now) the one remembered; otherwise the remembered entry that refuses it
     */
    Optional<Entry> admit(String domain, Entry entry) throws KeyringException;

    /**
     * One domain's newest keyset as the ledger remembers it.
     *
     * @param generation the keyset's generation (0 for a keyset stored before generations were kept)
     * @param sha256     the SHA-256 of the wrapped keyset, lower-case hex: a ciphertext digest, no key material
     */
    record Entry(long generation, String sha256) {

        /** Checks the generation and the digest's form. */
        public Entry {
            Objects.requireNonNull(sha256, "sha256");
            if (generation < 0) {
                throw new IllegalArgumentException("generation must not be negative");
            }
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
            }
        }
    }
}
