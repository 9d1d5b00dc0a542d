package dev.cloak.keyring;

import dev.cloak.keyring.aws.AwsKmsMasterKeyProvider;
import dev.cloak.keyring.gcp.GcpKmsMasterKeyProvider;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import dev.cloak.keyring.pkcs11.Pkcs11MasterKeyProvider;
import dev.cloak.keyring.vault.VaultTransitMasterKeyProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master-key providers of this process, by URI scheme, and the one place a master-key URI is opened. The
 * providers registered with {@link ServiceLoader} come first, so a deployment can replace a scheme, then the
 * built-ins ({@code local:}, {@code pkcs11:}, {@code aws-kms:}, {@code gcp-kms:}, {@code vault-transit:}). The
 * remote providers load their client library only when a URI of their scheme is opened. Immutable.
 */
final class MasterKeys {

    private static final Logger LOG = LoggerFactory.getLogger(MasterKeys.class);

    private final Map<String, MasterKeyProvider> byScheme;

    private MasterKeys(List<MasterKeyProvider> providers) {
        Map<String, MasterKeyProvider> schemes = new LinkedHashMap<>();
        for (MasterKeyProvider provider : providers) {
            schemes.putIfAbsent(provider.scheme(), provider);
        }
        this.byScheme = Map.copyOf(schemes);
    }

    /** The providers registered with ServiceLoader, then the built-ins. */
    static MasterKeys installed() {
        List<MasterKeyProvider> providers = new ArrayList<>();
        ServiceLoader<MasterKeyProvider> loader =
                ServiceLoader.load(MasterKeyProvider.class, MasterKeys.class.getClassLoader());
        try {
            loader.forEach(providers::add);
        } catch (ServiceConfigurationError e) {
            LOG.warn("Ignoring a master-key provider that cannot be loaded: {}", e.getMessage());
        }
        providers.add(new LocalMasterKeyProvider());
        providers.add(new Pkcs11MasterKeyProvider());
        providers.add(new AwsKmsMasterKeyProvider());
        providers.add(new GcpKmsMasterKeyProvider());
        providers.add(new VaultTransitMasterKeyProvider());
        return new MasterKeys(providers);
    }

    /** Exactly these providers, the first of a scheme winning (tests, and callers that pick their own). */
    static MasterKeys of(List<MasterKeyProvider> providers) {
        return new MasterKeys(List.copyOf(providers));
    }

    /** As {@link #open(String, MasterKeyOptions, KeyEvents)} with the default options. */
    MasterKey open(String uri, KeyEvents events) throws KeyringException {
        return open(uri, MasterKeyOptions.DEFAULTS, events);
    }

    /**
     * Opens the master key named by {@code uri} through the provider of its scheme; a failure of the master key
     * itself is audited as a KMS failure.
     */
    MasterKey open(String uri, MasterKeyOptions options, KeyEvents events) throws KeyringException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(uri, "uri");
        String scheme = MasterKeyUris.scheme(uri);
        MasterKeyProvider provider = MasterKeyUris.hasScheme(uri) ? byScheme.get(scheme) : null;
        if (provider == null) {
            throw new KeyringException(KeyringException.Kind.INVALID,
                    "no master-key provider supports scheme '" + scheme + "'");
        }
        try {
            return new MasterKey(uri, Objects.requireNonNull(provider.open(uri, options), "provider opened no key"));
        } catch (KeyringException e) {
            // the provider chose the kind and a message naming the part that failed (pkcs11: PIN, token, key)
            throw events.kmsFailure(null, e);
        } catch (RuntimeException e) {
            throw events.kmsFailure(null, new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "master key (scheme '" + scheme + "') cannot be opened", e));
        }
    }

    @Override
    public String toString() {
        return "MasterKeys" + byScheme.keySet();
    }
}
