package dev.cloak.keyring.kmsdouble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One double of each KMS per test JVM, started on first use, with what the clients need to reach it: AWS credentials
 * and endpoint as the SDK's system properties ({@code aws.accessKeyId}, {@code aws.secretAccessKey},
 * {@code aws.endpointUrlKms}), a Cloud KMS service-account key file, a Vault token file. Tests share them, so each
 * test creates its own keys and calls {@link #reset()} when it changes faults or rights. Tests against the real
 * services run in a JVM of their own, where none of this is set.
 */
public final class KmsDoubles {

    public static final String AWS_ACCESS_KEY = "AKIDCLOAKDOUBLE00001";
    public static final String AWS_SECRET_KEY = "cloak/double+secret/key0000000000000000";

    private static AwsKmsDouble aws;
    private static GcpKmsDouble gcp;
    private static VaultDouble vault;
    private static Path files;
    private static String vaultToken;

    private KmsDoubles() {
    }

    /** The AWS KMS double, the SDK pointed at it, the test credentials allowed Encrypt and Decrypt. */
    public static synchronized AwsKmsDouble aws() {
        if (aws == null) {
            aws = new AwsKmsDouble();
            System.setProperty("aws.accessKeyId", AWS_ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", AWS_SECRET_KEY);
            System.setProperty("aws.endpointUrlKms", aws.address().toString());
            allowAws("Encrypt", "Decrypt");
        }
        return aws;
    }

    /** What the test credentials may call on the AWS double ({@code Encrypt}, {@code Decrypt}). */
    public static void allowAws(String... operations) {
        aws().allow(AWS_ACCESS_KEY, AWS_SECRET_KEY, operations);
    }

    /** {@code aws-kms://ARN} of a new key of the AWS double. */
    public static String awsKey(String id) {
        return "aws-kms://" + aws().createKey(id);
    }

    /** The Cloud KMS double; its service account granted encrypt and decrypt. */
    public static synchronized GcpKmsDouble gcp() {
        if (gcp == null) {
            gcp = new GcpKmsDouble();
            try {
                gcp.writeCredentials(dir().resolve("gcp-service-account.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return gcp;
    }

    /** The service-account key file of the Cloud KMS double. */
    public static Path gcpCredentials() {
        gcp();
        return dir().resolve("gcp-service-account.json");
    }

    /** {@code gcp-kms://…} of a new key of the Cloud KMS double, with its endpoint and credentials. */
    public static String gcpKey(String key) {
        String name = gcp().createKey("europe-west1", "cloak", key);
        return "gcp-kms://" + name + "?endpoint=" + gcp.address() + "&http=loopback&credentials=file:"
                + gcpCredentials();
    }

    /** The Vault double, with a token file whose token may encrypt and decrypt and never expires. */
    public static synchronized VaultDouble vault() {
        if (vault == null) {
            vault = new VaultDouble();
            vaultToken = vault.issueToken(Duration.ZERO, false, "encrypt", "decrypt");
            writeVaultToken(vaultToken);
        }
        return vault;
    }

    /** The file that holds the Vault double's token. */
    public static Path vaultTokenFile() {
        vault();
        return dir().resolve("vault-token");
    }

    /** Puts {@code token} in the token file, as Vault Agent would rewrite it. */
    public static void writeVaultToken(String token) {
        try {
            Files.writeString(dir().resolve("vault-token"), token + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives the token file back its token that may encrypt and decrypt. */
    public static void restoreVaultToken() {
        vault();
        writeVaultToken(vaultToken);
    }

    /** {@code vault-transit://…} of a new key of the Vault double, reached over plain HTTP to loopback. */
    public static String vaultKey(String name) {
        vault().createKey("", "transit", name, false);
        return "vault-transit://127.0.0.1:" + vault.port() + "/transit/keys/" + name
                + "?token-source=file:" + vaultTokenFile() + "&http=loopback";
    }

    /** Clears every fault and audit log, and gives back the full rights of the doubles started so far. */
    public static synchronized void reset() {
        if (aws != null) {
            aws.recover().clearCalls();
            allowAws("Encrypt", "Decrypt");
        }
        if (gcp != null) {
            gcp.recover().clearCalls();
            gcp.grant("encrypt", "decrypt");
        }
        if (vault != null) {
            vault.recover().clearCalls();
            restoreVaultToken();
        }
    }

    private static synchronized Path dir() {
        if (files == null) {
            try {
                files = Files.createTempDirectory("cloak-kms-doubles");
                files.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
