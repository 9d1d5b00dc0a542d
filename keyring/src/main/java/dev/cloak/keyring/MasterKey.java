package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.slf4j.LoggerFactory;

/**
 * An opened master key: the URI it was opened from (kept with every keyset it wraps) and the {@link Aead} that
 * wraps and unwraps keysets. Obtained from {@link MasterKeys}; used by {@link WrappedKeyset} alone.
 *
 * @param uri  the master-key URI, e.g. {@code pkcs11:token=cloak;object=master?…}
 * @param aead the provider's AEAD over the key, which stays in the KMS or HSM where the provider allows it
 */
record MasterKey(String uri, Aead aead) {

    /** The key domain a probe is bound to: a name no column has, since a policy's domains are table.column. */
    static final String PROBE_DOMAIN = "cloak.health-check";
    /**
     * A probe's associated data, shaped as a keyset's, so a KMS sees the encryption context a least-privilege policy
     * admits ({@code cloak:domain}, {@code cloak:purpose}, {@code cloak:generation}) and no other key.
     */
    static final byte[] PROBE_ASSOCIATED_DATA = KeyPurpose.AEAD.associatedData(PROBE_DOMAIN, 1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Asks the master key to encrypt and decrypt a random value that is no key, under associated data no keyset is
     * wrapped with: one round trip to the KMS or HSM, for health checks.
     *
     * @throws KeyringException {@link KeyringException.Kind#UNAVAILABLE} when it does not answer or answers wrong,
     *     or the kind its provider names
     */
    void probe() throws KeyringException {
        byte[] probe = new byte[16];
        RANDOM.nextBytes(probe);
        String scheme = MasterKeyUris.scheme(uri);
        byte[] answer;
        try {
            answer = aead.decrypt(aead.encrypt(probe, PROBE_ASSOCIATED_DATA), PROBE_ASSOCIATED_DATA);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyringException(kindOf(e, KeyringException.Kind.UNAVAILABLE),
                    "master key (scheme '" + scheme + "') does not answer" + detail(e), e);
        }
        if (!MessageDigest.isEqual(answer, probe)) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "master key (scheme '" + scheme + "') answered with another value than it was given");
        }
    }

    /**
     * The kind a master key's failure names: a {@link MasterKeyException} names its own; a remote master key
     * reports a network failure as a GeneralSecurityException caused by an IOException; anything else is
     * {@code otherwise}.
     */
    static KeyringException.Kind kindOf(Throwable e, KeyringException.Kind otherwise) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MasterKeyException named) {
                return named.kind();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return KeyringException.Kind.UNAVAILABLE;
            }
        }
        return otherwise;
    }

    /**
     * What the provider said of a failure ({@code ": "} and a {@link MasterKeyException}'s message), or nothing: a
     * provider writes those messages for operators, naming the key and the KMS's answer, never a secret.
     */
    static String detail(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MasterKeyException named) {
                return ": " + named.getMessage();
            }
        }
        return "";
    }

    /** This key, each call of its {@link Aead} counted on {@code statistics} under the URI's scheme. */
    MasterKey metered(KeyringStatistics statistics) {
        return new MasterKey(uri, new MeteredAead(
                MasterKeyUris.scheme(uri).toLowerCase(java.util.Locale.ROOT), aead, statistics));
    }

    /** Lets go of the key's client (connections, token renewal) when its {@link Aead} holds one. */
    void close() {
        if (aead instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(MasterKey.class).warn("Master key (scheme '{}') did not close cleanly: {}",
                        MasterKeyUris.scheme(uri), e.toString());
            }
        }
    }

    /** Names the scheme only: the rest of a master-key URI may hold a path or a PIN source. */
    @Override
    public String toString() {
        return "MasterKey[" + MasterKeyUris.scheme(uri) + ":…]";
    }
}
