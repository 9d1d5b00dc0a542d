package dev.cloak.keyring.gcp;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KmsClientLibrary;
import dev.cloak.keyring.MasterKeyOptions;
import dev.cloak.keyring.MasterKeyProvider;
import dev.cloak.keyring.RemoteMasterKey;

/**
 * Master keys in Google Cloud KMS, named by {@code gcp-kms://projects/P/locations/L/keyRings/R/cryptoKeys/K}. Cloud
 * KMS is reached over its REST API with the JDK's HTTP client; Application Default Credentials come from
 * google-auth-library ({@value #ARTIFACT}), an optional dependency of {@code cloak-keyring}: a URI of this scheme
 * without it fails naming the artifact. Opening checks the URI only: credentials are loaded, and Cloud KMS first
 * asked, at the first wrap or unwrap.
 */
public final class GcpKmsMasterKeyProvider implements MasterKeyProvider {

    /** The client library to add to an application that uses this scheme. */
    public static final String ARTIFACT = "com.google.auth:google-auth-library-oauth2-http (1.49.0 or later 1.x)";

    private static final KmsClientLibrary LIBRARY = new KmsClientLibrary(GcpKmsUri.SCHEME,
            "com.google.auth.oauth2.GoogleCredentials", ARTIFACT);

    /** Creates the provider; it loads no Google class until a URI of its scheme is opened. */
    public GcpKmsMasterKeyProvider() {
    }

    @Override
    public String scheme() {
        return GcpKmsUri.SCHEME;
    }

    @Override
    public Aead open(String uri) throws KeyringException {
        return open(uri, MasterKeyOptions.DEFAULTS);
    }

    @Override
    public Aead open(String uri, MasterKeyOptions options) throws KeyringException {
        GcpKmsUri parsed = GcpKmsUri.parse(uri);
        LIBRARY.require(GcpKmsMasterKeyProvider.class.getClassLoader());
        return RemoteMasterKey.create(new GcpKmsKey(parsed, options.kmsTimeout()), options);
    }
}
