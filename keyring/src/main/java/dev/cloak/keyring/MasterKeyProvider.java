package dev.cloak.keyring;

import com.google.crypto.tink.Aead;

/**
 * A kind of master key, chosen by the scheme of its URI ({@code local:…}, {@code pkcs11:…}, {@code aws-kms://…},
 * {@code gcp-kms://…}, {@code vault-transit://…}). Each provider lives in a package of its own and is found by
 * {@link MasterKeys}: the built-ins, and any registered with {@link java.util.ServiceLoader}, which come first so a
 * deployment can replace a scheme. A master key only wraps and unwraps keysets; it is called on a key-cache miss and
 * by key administration, never per cell.
 *
 * <p>Failures carry a {@link KeyringException.Kind}: {@link #open} throws a {@link KeyringException} of the kind
 * that fits, and the returned {@link Aead} throws a {@link MasterKeyException} of the kind that fits (a
 * {@code GeneralSecurityException} caused by an {@code IOException} counts as unavailable, any other as a keyset
 * that does not unwrap). Messages must not repeat secrets from the URI. A remote KMS is best served through
 * {@link RemoteMasterKey}, which holds every remote call to the timeout and retries what may be retried. An
 * {@link Aead} that is also {@link AutoCloseable} is closed with the keyring that opened it.
 */
public interface MasterKeyProvider {

    /** The URI scheme this provider serves, without the colon, e.g. {@code "pkcs11"}. */
    String scheme();

    /**
     * Opens the master key named by {@code uri}, whose scheme is {@link #scheme()}, now, so that a wrong URI, PIN
     * or key fails when the keyring opens rather than at first use.
     */
    Aead open(String uri) throws KeyringException;

    /**
     * As {@link #open(String)}, told the keyring's options (the KMS timeout); a provider of a local key or an HSM
     * has no use for them.
     */
    default Aead open(String uri, MasterKeyOptions options) throws KeyringException {
        return open(uri);
    }
}
