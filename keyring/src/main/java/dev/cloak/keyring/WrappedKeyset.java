package dev.cloak.keyring;

import java.util.Arrays;
import java.util.Objects;

/**
 * A keyset encrypted under the master key. toString() never shows the bytes.
 *
 * @param domain       the key domain, e.g. {@code patients.ssn}
 * @param purpose      {@code "aead"} (randomized) or {@code "deterministic-aead"}
 * @param ciphertext   the Tink keyset encrypted under the master key (copied in and out)
 * @param masterKeyUri the master key that wrapped it
 */
public record WrappedKeyset(String domain, String purpose, byte[] ciphertext, String masterKeyUri) {

    /** Copies the ciphertext so the record stays immutable. */
    public WrappedKeyset {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(masterKeyUri, "masterKeyUri");
        ciphertext = ciphertext.clone();
    }

    /** A copy of the wrapped keyset bytes. */
    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WrappedKeyset that
                && domain.equals(that.domain)
                && purpose.equals(that.purpose)
                && Arrays.equals(ciphertext, that.ciphertext)
                && masterKeyUri.equals(that.masterKeyUri);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, purpose, Arrays.hashCode(ciphertext), masterKeyUri);
    }

    /** Names the domain and purpose only: neither the bytes nor the full master-key URI (it may hold a path or secret). */
    @Override
    public String toString() {
        return "WrappedKeyset[domain=" + domain + ", purpose=" + purpose
                + ", ciphertext=(" + ciphertext.length + " bytes), master=" + MasterKeyUris.scheme(masterKeyUri) + ":…]";
    }
}
