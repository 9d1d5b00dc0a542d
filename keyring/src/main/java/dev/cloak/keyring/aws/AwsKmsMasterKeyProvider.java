package dev.cloak.keyring.aws;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KmsClientLibrary;
import dev.cloak.keyring.MasterKeyOptions;
import dev.cloak.keyring.MasterKeyProvider;
import dev.cloak.keyring.RemoteMasterKey;

/**
 * Master keys in AWS KMS, named by {@code aws-kms://arn:aws:kms:REGION:ACCOUNT:key/KEY-ID} or an alias ARN. Needs
 * the AWS SDK v2 KMS client ({@value #ARTIFACT}), an optional dependency of {@code cloak-keyring}: a URI of this
 * scheme without it fails naming the artifact. Opening checks the URI and builds the client only: credentials are
 * resolved, and KMS first asked, at the first wrap or unwrap.
 */
public final class AwsKmsMasterKeyProvider implements MasterKeyProvider {

    /** The client library to add to an application that uses this scheme. */
    public static final String ARTIFACT = "software.amazon.awssdk:kms (2.59.1 or later 2.x)";

    private static final KmsClientLibrary LIBRARY = new KmsClientLibrary(AwsKmsUri.SCHEME,
            "software.amazon.awssdk.services.kms.KmsClient", ARTIFACT);

    /** Creates the provider; it loads no AWS class until a URI of its scheme is opened. */
    public AwsKmsMasterKeyProvider() {
    }

    @Override
    public String scheme() {
        return AwsKmsUri.SCHEME;
    }

    @Override
    public Aead open(String uri) throws KeyringException {
        return open(uri, MasterKeyOptions.DEFAULTS);
    }

    @Override
    public Aead open(String uri, MasterKeyOptions options) throws KeyringException {
        AwsKmsUri parsed = AwsKmsUri.parse(uri);
        LIBRARY.require(AwsKmsMasterKeyProvider.class.getClassLoader());
        return RemoteMasterKey.create(new AwsKmsKey(parsed, options.kmsTimeout()), options);
    }
}
