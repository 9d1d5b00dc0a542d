package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The remote KMS clients are optional dependencies: in a JVM without them, a keyring whose master key needs one fails
 * at open naming the artifact to add, and the other schemes work. The child JVM gets this module's test class path
 * minus the AWS SDK and google-auth-library.
 */
class MissingClientLibraryTest {

    /** In the child JVM: opens each URI and prints the outcome, one line each. */
    public static void main(String[] uris) {
        for (String uri : uris) {
            try {
                Keyring.checkMasterKey(uri, new MasterKeyOptions(Duration.ofSeconds(2)));
                System.out.println("OK " + MasterKeyUris.scheme(uri));
            } catch (KeyringException e) {
                System.out.println(e.kind() + " " + e.getMessage());
            }
        }
    }

    @Test
    void aSchemeWhoseClientLibraryIsMissingFailsNamingTheArtifactToAdd() throws Exception {
        String classPath = Arrays.stream(System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")).split(File.pathSeparator))
                .filter(entry -> !entry.contains("awssdk") && !entry.contains("google-auth-library")
                        && !entry.contains("google-http-client"))
                .collect(Collectors.joining(File.pathSeparator));
        Path dir = java.nio.file.Files.createTempDirectory("missing");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, MissingClientLibraryTest.class.getName(),
                "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/k",
                "gcp-kms://projects/cloak-test/locations/l/keyRings/r/cryptoKeys/k",
                "local:file:" + dir.resolve("master.json"))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(output.lines()).containsExactly(
                "INVALID aws-kms: master keys need the client library software.amazon.awssdk:kms (2.59.1 or later 2.x) "
                        + "on the class path (cloak-keyring declares it optional); add it to the application's "
                        + "dependencies",
                "INVALID gcp-kms: master keys need the client library com.google.auth:google-auth-library-oauth2-http "
                        + "(1.49.0 or later 1.x) on the class path (cloak-keyring declares it optional); add it to the "
                        + "application's dependencies",
                "OK local");
    }
}
