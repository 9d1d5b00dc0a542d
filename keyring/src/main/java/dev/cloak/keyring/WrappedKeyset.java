package dev.cloak.keyring;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A keyset encrypted under the master key, and the one place keysets are wrapped and unwrapped. The wrap is
 * bound to the key domain, the purpose and the generation (Tink's associated data), so a keyset moved to another
 * domain, or stored under another generation than it was wrapped for, does not unwrap. toString() never shows the
 * bytes.
 *
 * @param domain       the key domain, e.g. {@code patients.ssn}
 * @param purpose      {@code "aead"} (randomized) or {@code "deterministic-aead"}
 * @param ciphertext   the Tink keyset encrypted under the master key (copied in and out)
 * @param masterKeyUri the master key that wrapped it
 * @param generation   how many times the domain's keyset was stored: 1 when created, one more at each change
 *                     (rotate, rewrap, destroy); 0 for a keyset stored before generations were kept
 */
public record WrappedKeyset(String domain, String purpose, byte[] ciphertext, String masterKeyUri, long generation) {

    /** Copies the ciphertext so the record stays immutable. */
    public WrappedKeyset {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(masterKeyUri, "masterKeyUri");
        if (generation < 0) {
            throw new IllegalArgumentException("generation must not be negative");
        }
        ciphertext = ciphertext.clone();
    }

    /** A keyset stored before generations were kept (generation 0). */
    public WrappedKeyset(String domain, String purpose, byte[] ciphertext, String masterKeyUri) {
        this(domain, purpose, ciphertext, masterKeyUri, 0);
    }

    /**
     * Wraps {@code handle} under {@code master} for {@code domain} as its generation {@code generation}.
     *
     * @throws KeyringException of the master key's failure kind; {@link KeyringException.Kind#UNAVAILABLE} when
     *     it names none
     */
    static WrappedKeyset wrap(KeysetHandle handle, String domain, KeyPurpose purpose, MasterKey master,
                              long generation) throws KeyringException {
        byte[] wrapped;
        try {
            wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, master.aead(),
                    purpose.associatedData(domain, generation));
        } catch (GeneralSecurityException | RuntimeException e) {
            KeyringException.Kind kind = MasterKey.kindOf(e, KeyringException.Kind.UNAVAILABLE);
            throw new KeyringException(kind, "master key failed to wrap the keyset of key domain " + domain
                    + reason(kind) + MasterKey.detail(e), e);
        }
        return new WrappedKeyset(domain, purpose.storedName(), wrapped, master.uri(), generation);
    }

    /**
     * The keyset, unwrapped under {@code master}.
     *
     * @throws KeyringException {@link KeyringException.Kind#INVALID} when the keyset is stored for an unknown
     *     purpose; {@link KeyringException.Kind#UNWRAP_FAILED} when it does not authenticate under the master key
     *     (another master key, altered, moved to another domain or generation); the master key's own kind when it
     *     failed otherwise (unreachable, access denied)
     */
    KeysetHandle unwrap(MasterKey master) throws KeyringException {
        KeyPurpose kind = purposeKind();
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(ciphertext, master.aead(),
                    kind.associatedData(domain, generation));
        } catch (GeneralSecurityException | RuntimeException e) {
            KeyringException.Kind failure = MasterKey.kindOf(e, KeyringException.Kind.UNWRAP_FAILED);
            String message = switch (failure) {
                case UNAVAILABLE -> "master key cannot be reached to unwrap key domain " + domain;
                case ACCESS_DENIED -> "master key refused to unwrap key domain " + domain + " (access denied)";
                default -> "keyset of key domain " + domain + " does not unwrap under the master key";
            } + MasterKey.detail(e);
            throw new KeyringException(failure, message, e);
        }
    }

    /** The purpose this keyset is stored for. */
    KeyPurpose purposeKind() throws KeyringException {
        KeyPurpose kind = KeyPurpose.fromStoredName(purpose);
        if (kind == null) {
            throw new KeyringException(KeyringException.Kind.INVALID,
                    "key domain " + domain + " is stored for an unrecognised purpose");
        }
        return kind;
    }

    private static String reason(KeyringException.Kind kind) {
        return kind == KeyringException.Kind.ACCESS_DENIED ? " (access denied)" : "";
    }

    /** The SHA-256 of the wrapped bytes, lower-case hex: what a generation ledger remembers of it. */
    String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ciphertext));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM offers no SHA-256", e);
        }
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
                && masterKeyUri.equals(that.masterKeyUri)
                && generation == that.generation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, purpose, Arrays.hashCode(ciphertext), masterKeyUri, generation);
    }

    /** Names the domain and purpose only: neither the bytes nor the full master-key URI (it may hold a secret). */
    @Override
    public String toString() {
        return "WrappedKeyset[domain=" + domain + ", purpose=" + purpose + ", generation=" + generation
                + ", ciphertext=(" + ciphertext.length + " bytes), master=" + MasterKeyUris.scheme(masterKeyUri)
                + ":…]";
    }
}
