package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/** What a key domain's keyset is for: its stored name, its Tink template and the primitive it builds. */
public enum KeyPurpose {
    /** Randomized encryption (AES256_GCM). */
    AEAD("aead", PredefinedAeadParameters.AES256_GCM, Aead.class),
    /** Deterministic encryption (AES256_SIV). */
    DETERMINISTIC_AEAD("deterministic-aead", PredefinedDeterministicAeadParameters.AES256_SIV, DeterministicAead.class);

    private final String storedName;
    private final Parameters template;
    private final Class<?> primitive;

    KeyPurpose(String storedName, Parameters template, Class<?> primitive) {
        this.storedName = storedName;
        this.template = template;
        this.primitive = primitive;
    }

    /** The name kept in the key store ({@code "aead"} or {@code "deterministic-aead"}). */
    public String storedName() {
        return storedName;
    }

    /** The purpose of a stored name, or {@code null} when there is none. */
    public static KeyPurpose fromStoredName(String name) {
        for (KeyPurpose purpose : values()) {
            if (purpose.storedName.equals(name)) {
                return purpose;
            }
        }
        return null;
    }

    Parameters template() {
        return template;
    }

    Class<?> primitive() {
        return primitive;
    }

    /**
     * Associated data binding a wrapped keyset to its domain, purpose and generation, so a keyset cannot be moved to
     * another domain nor relabelled with another generation. Generation 0 is a keyset stored before generations were
     * kept, bound to its domain and purpose only, as it was written.
     */
    byte[] associatedData(String domain, long generation) {
        String bound = generation == 0
                ? "cloak/keyset/v1/" + domain + "/" + storedName
                : "cloak/keyset/v2/" + domain + "/" + storedName + "/" + generation;
        return bound.getBytes(StandardCharsets.UTF_8);
    }

    /** Registers the Tink key managers once per class loader; safe to call from any thread. */
    static void ensureRegistered() throws GeneralSecurityException {
        if (Registration.FAILURE != null) {
            throw new GeneralSecurityException("Tink registration failed", Registration.FAILURE);
        }
    }

    /** Holder idiom: the JVM runs the registration exactly once, on first use. */
    private static final class Registration {
        static final GeneralSecurityException FAILURE = register();

        private static GeneralSecurityException register() {
            try {
                AeadConfig.register();
                DeterministicAeadConfig.register();
                return null;
            } catch (GeneralSecurityException e) {
                return e;
            }
        }
    }
}
