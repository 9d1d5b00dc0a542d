package dev.cloak.keyring.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.MasterKeyProvider;
import dev.cloak.keyring.RemoteMasterKeyContract;
import dev.cloak.keyring.kmsdouble.AwsKmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDoubles;
import org.junit.jupiter.api.Test;

/** {@code aws-kms://} through the AWS SDK v2 against the AWS KMS double. */
class AwsKmsMasterKeyProviderTest extends RemoteMasterKeyContract {

    @Override
    protected KmsDouble kms() {
        return KmsDoubles.aws();
    }

    @Override
    protected String newKey(String name) {
        return KmsDoubles.awsKey(java.util.UUID.nameUUIDFromBytes(name.getBytes()).toString());
    }

    @Override
    protected MasterKeyProvider provider() {
        return new AwsKmsMasterKeyProvider();
    }

    @Override
    protected void allowDecryptOnly() {
        KmsDoubles.allowAws("Decrypt");
    }

    @Test
    void everyCallCarriesTheKeyDomainInItsEncryptionContextAndIsSigned() throws Exception {
        try (Keyring keyring = open(new MemoryKeyStore())) {
            keyring.aead("patients.name");
        }

        assertThat(kms().calls()).extracting(KmsDouble.Call::binding).containsOnly(
                "{cloak:domain=patients.name, cloak:generation=1, cloak:purpose=aead}");
        // the double recomputed each SigV4 signature with the test's secret key: these headers were signed
        assertThat(KmsDoubles.aws().lastSignedHeaders()).contains("host", "x-amz-date", "x-amz-target");
    }

    @Test
    void anAliasArnNamesTheKeyItPointsAt() throws Exception {
        AwsKmsDouble aws = KmsDoubles.aws();
        String keyArn = uri.substring("aws-kms://".length());
        uri = "aws-kms://" + aws.alias("cloak-" + Integer.toHexString(keyArn.hashCode()), keyArn);

        try (Keyring keyring = open(new MemoryKeyStore())) {
            assertThat(keyring.aead("patients.name")).isNotNull();
        }
    }

    @Test
    void anAliasMovedToAnotherKeySaysSoWhenItCannotUnwrap() throws Exception {
        AwsKmsDouble aws = KmsDoubles.aws();
        String keyArn = uri.substring("aws-kms://".length());
        String alias = "moved-" + Integer.toHexString(keyArn.hashCode());
        uri = "aws-kms://" + aws.alias(alias, keyArn);
        MemoryKeyStore store = storeWithKeys();
        aws.alias(alias, aws.createKey("moved-to-" + Integer.toHexString(keyArn.hashCode())));

        try (Keyring keyring = open(store)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
            assertThat(e.getMessage()).contains("IncorrectKeyException").contains("an alias moved")
                    .contains("cloak keys rewrap");
        }
    }

    /** {@code ?endpoint=} names the KMS in the URI, as for Cloud KMS: the SDK's endpoint settings are not needed. */
    @Test
    void theUrisEndpointTakesThePlaceOfTheSdksSettings() throws Exception {
        AwsKmsDouble aws = KmsDoubles.aws();
        String set = System.clearProperty("aws.endpointUrlKms");
        try {
            uri = uri + "?endpoint=" + aws.address() + "&http=loopback";
            int before = aws.calls().size();
            try (Keyring keyring = open(new MemoryKeyStore())) {
                assertThat(keyring.aead("patients.name")).isNotNull();
            }
            assertThat(aws.calls()).hasSizeGreaterThan(before);
            // an unreachable setting beside it is not used
            System.setProperty("aws.endpointUrlKms", "https://192.0.2.1:1");
            try (Keyring keyring = open(storeWithKeys())) {
                assertThat(keyring.aead("patients.name")).isNotNull();
            }
        } finally {
            System.setProperty("aws.endpointUrlKms", set);
        }
    }

    @Test
    void credentialsTheKmsDoesNotKnowAreRefused() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        String secret = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.secretAccessKey", "not-the-secret-key-of-this-access-key");
        try (Keyring keyring = open(store)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
            assertThat(e.getMessage()).contains("InvalidSignatureException");
        } finally {
            System.setProperty("aws.secretAccessKey", secret);
        }
    }
}
