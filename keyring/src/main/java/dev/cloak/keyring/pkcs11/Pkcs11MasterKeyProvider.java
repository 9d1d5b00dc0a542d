package dev.cloak.keyring.pkcs11;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyProvider;
import java.util.Objects;

/**
 * Master keys held in a PKCS#11 token (an HSM, or SoftHSM2 in tests), named by an RFC 7512 URI:
 * {@code pkcs11:token=cloak;object=master?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=env:PIN}.
 * The PIN comes from {@code pin-source=env:NAME} or {@code pin-source=file:PATH}; {@code pin-value} is
 * refused. The key must be a non-extractable AES key; keysets are wrapped with AES-GCM inside the token
 * through the JDK's SunPKCS11 provider. Failures name the part that failed, never the PIN: a wrong PIN is
 * {@link KeyringException.Kind#ACCESS_DENIED}, a module or token that does not answer
 * {@link KeyringException.Kind#UNAVAILABLE}, a URI, PIN source or key that cannot be used
 * {@link KeyringException.Kind#INVALID}.
 */
public final class Pkcs11MasterKeyProvider implements MasterKeyProvider {

    private final Pkcs11Tokens tokens;

    /** Uses the process-wide SunPKCS11 providers, one per module and slot. */
    public Pkcs11MasterKeyProvider() {
        this(Pkcs11Tokens.SHARED);
    }

    Pkcs11MasterKeyProvider(Pkcs11Tokens tokens) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public String scheme() {
        return Pkcs11Uri.SCHEME.substring(0, Pkcs11Uri.SCHEME.length() - 1);
    }

    @Override
    public Aead open(String uri) throws KeyringException {
        return openKey(uri);
    }

    /** Opens the key now, so a wrong PIN or a missing key fails when the keyring opens, not at first use. */
    Pkcs11MasterKey openKey(String uri) throws KeyringException {
        Pkcs11Uri parsed = Pkcs11Uri.parse(uri);
        Pkcs11Tokens.MasterKeyHandle handle = tokens.find(parsed);
        if (handle.key().getEncoded() != null) {
            // a key whose bytes can be read out of the token is no better than a local key file
            throw new KeyringException(KeyringException.Kind.INVALID, "pkcs11: master key '" + parsed.object()
                    + "' of token '" + parsed.token() + "' is extractable; create it sensitive and non-extractable");
        }
        return new Pkcs11MasterKey(parsed, tokens, handle);
    }
}
