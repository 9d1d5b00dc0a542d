package dev.cloak.keyring.aws;

import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KmsBinding;
import dev.cloak.keyring.KmsCallException;
import dev.cloak.keyring.KmsKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * A customer managed key of AWS KMS, through the AWS SDK v2 {@code KmsClient}: {@code Encrypt} and {@code Decrypt}
 * with an encryption context of the {@link KmsBinding} ({@code cloak:domain}, {@code cloak:purpose},
 * {@code cloak:generation}), which KMS requires again on decrypt and CloudTrail records with every call. The region
 * is the ARN's; credentials come from the default chain, the endpoint from the SDK's standard settings. The SDK's
 * own retries are off: {@link dev.cloak.keyring.RemoteMasterKey} retries, within {@code keyring.kms-timeout}.
 */
final class AwsKmsKey implements KmsKey {

    private final AwsKmsUri uri;
    private final KmsClient client;

    AwsKmsKey(AwsKmsUri uri, Duration timeout) throws KeyringException {
        this.uri = uri;
        KmsClientBuilder builder = KmsClient.builder()
                .region(Region.of(uri.region()))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(timeout)
                        .apiCallAttemptTimeout(timeout)
                        .build());
        // the URI's endpoint, checked when parsed, takes the place of the SDK's settings
        uri.endpoint().ifPresent(builder::endpointOverride);
        this.client = builder.build();
        try {
            if (uri.endpoint().isEmpty()) {
                AwsEndpoint.requireHttps(client.serviceClientConfiguration().endpointOverride(), System::getenv,
                        System::getProperty);
            }
        } catch (KeyringException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return uri.describe();
    }

    @Override
    public byte[] encrypt(byte[] plaintext, KmsBinding binding, Duration timeout) throws KmsCallException {
        try {
            return client.encrypt(EncryptRequest.builder()
                            .keyId(uri.arn())
                            .plaintext(SdkBytes.fromByteArray(plaintext))
                            .encryptionContext(binding.context())
                            .overrideConfiguration(within(timeout))
                            .build())
                    .ciphertextBlob().asByteArray();
        } catch (SdkException | UncheckedIOException e) {
            throw classified(e, "Encrypt");
        }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, KmsBinding binding, Duration timeout) throws KmsCallException {
        try {
            return client.decrypt(DecryptRequest.builder()
                            .keyId(uri.arn())
                            .ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
                            .encryptionContext(binding.context())
                            .overrideConfiguration(within(timeout))
                            .build())
                    .plaintext().asByteArray();
        } catch (SdkException | UncheckedIOException e) {
            throw classified(e, "Decrypt");
        }
    }

    private static AwsRequestOverrideConfiguration within(Duration timeout) {
        return AwsRequestOverrideConfiguration.builder().apiCallTimeout(timeout).apiCallAttemptTimeout(timeout).build();
    }

    /** What an SDK failure means: AWS's error codes first, then the HTTP status, then the network. */
    private KmsCallException classified(RuntimeException e, String operation) {
        String what = describe() + " (" + operation + ")";
        if (e instanceof IncorrectKeyException) {
            // AWS's answer to a blob wrapped under another key than KeyId names: an alias moved to a new key, say
            return KmsCallException.permanent(KeyringException.Kind.UNWRAP_FAILED, what + " refused the ciphertext: "
                    + errorCode(e) + ": it was wrapped under another KMS key than the URI names now (an alias moved"
                    + " to a new key?); set master-key to the key that wrapped it and run cloak keys rewrap --master"
                    + " with the new one", e);
        }
        if (e instanceof InvalidCiphertextException) {
            // KMS's answer to a blob wrapped under another key, altered, or asked with another encryption context
            return KmsCallException.permanent(KeyringException.Kind.UNWRAP_FAILED,
                    what + " refused the ciphertext: " + errorCode(e), e);
        }
        if (e instanceof NotFoundException || e instanceof InvalidKeyUsageException) {
            return KmsCallException.permanent(KeyringException.Kind.INVALID, what + " failed: " + errorCode(e)
                    + " (check the key ARN, and that it is a symmetric ENCRYPT_DECRYPT key)", e);
        }
        if (e instanceof DisabledException || e instanceof KmsInvalidStateException) {
            return KmsCallException.permanent(KeyringException.Kind.UNAVAILABLE,
                    what + " failed: the key is disabled or pending deletion (" + errorCode(e) + ")", e);
        }
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? ""
                    : String.valueOf(service.awsErrorDetails().errorCode());
            if (service.isThrottlingException() || service.statusCode() >= 500) {
                return KmsCallException.transientFailure(what + " failed: " + errorCode(e), e);
            }
            if (service.statusCode() == 403 || code.equals("AccessDeniedException")
                    || code.equals("UnrecognizedClientException") || code.equals("InvalidSignatureException")
                    || code.equals("ExpiredTokenException") || code.equals("IncompleteSignature")) {
                return KmsCallException.permanent(KeyringException.Kind.ACCESS_DENIED,
                        what + " was refused: " + errorCode(e) + " (access denied)", e);
            }
            return KmsCallException.permanent(KeyringException.Kind.INVALID, what + " failed: " + errorCode(e), e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || e instanceof AbortedException || hasIoCause(e)) {
            return KmsCallException.ofNetworkFailure(what, e);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return KmsCallException.permanent(KeyringException.Kind.UNAVAILABLE, what + " has no AWS credentials: "
                    + e.getMessage(), e);
        }
        return KmsCallException.transientFailure(what + " failed: " + e.getMessage(), e);
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** AWS's error code, e.g. {@code InvalidCiphertextException}; never the request. */
    private static String errorCode(RuntimeException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + ")";
        }
        return e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "AwsKmsKey[" + describe() + "]";
    }
}
