package dev.cloak.keyring.pkcs11;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A master key held in a PKCS#11 token, as a Tink {@link Aead}: AES-GCM computed inside the token,
 * a random 12-byte IV prepended to the ciphertext. When the token fails, the handle is dropped, the failure is
 * reported as a {@link MasterKeyException} of kind {@link KeyringException.Kind#UNAVAILABLE} (caused by an
 * {@link IOException}), and the next call looks the key up again, so an HSM that comes back needs no restart.
 */
final class Pkcs11MasterKey implements Aead {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pkcs11Uri uri;
    private final Pkcs11Tokens tokens;
    private volatile Pkcs11Tokens.MasterKeyHandle handle;

    Pkcs11MasterKey(Pkcs11Uri uri, Pkcs11Tokens tokens, Pkcs11Tokens.MasterKeyHandle handle) {
        this.uri = uri;
        this.tokens = tokens;
        this.handle = handle;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        Pkcs11Tokens.MasterKeyHandle key = handle();
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        byte[] sealed;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", key.provider());
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData == null ? new byte[0] : associatedData);
            sealed = cipher.doFinal(plaintext);
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(key, "failed to wrap", e);
        }
        byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
        System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
        return out;
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        if (ciphertext.length < IV_BYTES + TAG_BITS / 8) {
            throw new GeneralSecurityException("pkcs11: wrapped keyset is too short");
        }
        Pkcs11Tokens.MasterKeyHandle key = handle();
        Cipher cipher;
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding", key.provider());
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, ciphertext, 0, IV_BYTES));
            cipher.updateAAD(associatedData == null ? new byte[0] : associatedData);
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(key, "failed to start unwrapping", e);
        }
        try {
            return cipher.doFinal(ciphertext, IV_BYTES, ciphertext.length - IV_BYTES);
        } catch (AEADBadTagException e) {
            // the token answered: the keyset was wrapped by another key or altered, not an outage
            throw new AEADBadTagException("pkcs11: wrapped keyset does not authenticate under master key '"
                    + uri.object() + "'");
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(key, "failed to unwrap", e);
        }
    }

    /** The key handle, looked up again after a failure; a lookup that fails is reported as such. */
    private Pkcs11Tokens.MasterKeyHandle handle() throws GeneralSecurityException {
        Pkcs11Tokens.MasterKeyHandle current = handle;
        try {
            // a missing module means the HSM client is gone even if the loaded provider still answers
            Pkcs11Tokens.requireModule(uri.modulePath());
            if (current == null) {
                current = tokens.find(uri);
                handle = current;
            }
            return current;
        } catch (KeyringException e) {
            Throwable cause = e.kind() == KeyringException.Kind.UNAVAILABLE ? new IOException(e.getMessage(), e) : e;
            throw new MasterKeyException(e.kind(), e.getMessage(), cause);
        }
    }

    private MasterKeyException unavailable(Pkcs11Tokens.MasterKeyHandle failed, String what, Exception e) {
        handle = null;
        tokens.forget(failed);
        String message = "pkcs11: token '" + uri.token() + "' " + what + " with master key '" + uri.object() + "'";
        return new MasterKeyException(KeyringException.Kind.UNAVAILABLE, message, new IOException(message, e));
    }

    /** The token's key handle, for tests that check it cannot be extracted. */
    javax.crypto.SecretKey keyHandle() throws GeneralSecurityException {
        return handle().key();
    }

    @Override
    public String toString() {
        return "Pkcs11MasterKey[token=" + uri.token() + ", object=" + uri.object() + "]";
    }
}
