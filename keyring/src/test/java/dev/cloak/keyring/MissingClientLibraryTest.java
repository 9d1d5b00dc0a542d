package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The remote KMS clients are optional dependencies: in a JVM without them, a keyring whose master key needs one fails
 * at open naming the artifact to add, and the other schemes work. The child JVM gets this module's test class path
 * minus the AWS SDK and google-auth-library.
 */
class MissingClientLibraryTest {

    @Test
    void aSchemeWhoseClientLibraryIsMissingFailsNamingTheArtifactToAdd() throws Exception {
        Path dir = Files.createTempDirectory("missing");
        List<String> output = CheckMasterKeyProcess.run(entry -> entry.contains("awssdk")
                        || entry.contains("google-auth-library") || entry.contains("google-http-client"), Map.of(),
                "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/k",
                "gcp-kms://projects/cloak-test/locations/l/keyRings/r/cryptoKeys/k",
                "local:file:" + dir.resolve("master.json"));

        assertThat(output).containsExactly(
                "INVALID aws-kms: master keys need the client library software.amazon.awssdk:kms (2.59.1 or later 2.x) "
                        + "on the class path (cloak-keyring declares it optional); add it to the application's "
                        + "dependencies",
                "INVALID gcp-kms: master keys need the client library com.google.auth:google-auth-library-oauth2-http "
                        + "(1.49.0 or later 1.x) on the class path (cloak-keyring declares it optional); add it to the "
                        + "application's dependencies",
                "OK local");
    }
}
