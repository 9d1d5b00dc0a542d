package dev.cloak.driver.internal.codec;

import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;

/** Real Tink primitives per key domain, generated on first use; or one shared key for every domain. */
final class TestKeys implements CellKeys {

    static {
        try {
            AeadConfig.register();
            DeterministicAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final boolean oneKeyForAllDomains;
    private final Map<String, Aead> aeads = new ConcurrentHashMap<>();
    private final Map<String, DeterministicAead> daeads = new ConcurrentHashMap<>();

    private TestKeys(boolean oneKeyForAllDomains) {
        this.oneKeyForAllDomains = oneKeyForAllDomains;
    }

    /** A fresh key per key domain. */
    static TestKeys perDomain() {
        return new TestKeys(false);
    }

    /** The same key for every domain, so only the associated data tells columns apart. */
    static TestKeys sharedAcrossDomains() {
        return new TestKeys(true);
    }

    @Override
    public Aead aead(String keyDomain) {
        return aeads.computeIfAbsent(oneKeyForAllDomains ? "*" : keyDomain, d -> {
            try {
                return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                        .getPrimitive(RegistryConfiguration.get(), Aead.class);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public DeterministicAead deterministicAead(String keyDomain) {
        return daeads.computeIfAbsent(oneKeyForAllDomains ? "*" : keyDomain, d -> {
            try {
                return KeysetHandle.generateNew(PredefinedDeterministicAeadParameters.AES256_SIV)
                        .getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
