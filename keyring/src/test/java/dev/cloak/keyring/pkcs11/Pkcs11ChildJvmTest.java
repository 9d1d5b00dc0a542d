package dev.cloak.keyring.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Makes a fresh SoftHSM2 token with {@code .ci/softhsm-token.sh} and runs {@link Pkcs11MasterKeyProviderTest}
 * in a child JVM whose environment names it and which may read token labels; so the HSM tests run even
 * where this JVM has no token configured. Without SoftHSM2 it skips with one loud line.
 */
class Pkcs11ChildJvmTest {

    private static final long CHILD_TIMEOUT_SECONDS = 180;

    @TempDir
    Path dir;

    @Test
    void hsmTestsPassAgainstAFreshTokenInAChildJvm() throws Exception {
        Path script = findScript();
        if (!onPath("softhsm2-util") || !onPath("pkcs11-tool") || script == null) {
            System.err.println("[SKIPPED] pkcs11 master-key tests: SoftHSM2 is not installed "
                    + "(apt-get install -y softhsm2 opensc) or .ci/softhsm-token.sh is not found");
            Assumptions.abort("no SoftHSM2");
        }

        Map<String, String> tokenEnvironment = makeToken(script, dir.resolve("token"));
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // lets Pkcs11TokenLabels read token labels, so the child checks token= for real
                "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-cp", testClassPath(), Pkcs11ChildJvmTest.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        child.environment().putAll(tokenEnvironment);
        Process process = child.start();
        boolean finished = process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("child.log"));

        assertThat(finished).as("child JVM finished in time; its output:%n%s", log).isTrue();
        assertThat(process.exitValue()).as("child JVM output:%n%s", log).isZero();
        assertThat(log).containsPattern("pkcs11 child run: [1-9][0-9]* passed, 0 failed, 0 skipped");
        assertThat(log).contains("PASSED anUnknownTokenFailsNamingTheTokenWhereLabelsCanBeRead");
        assertThat(log).contains("PASSED keyAdministrationInitsRotatesRewrapsToASecondHsmKeyRetiresAndDestroys");
    }

    /** The child's entry point: runs every @Test of Pkcs11MasterKeyProviderTest, each with its own dir under args[0]. */
    public static void main(String[] args) throws Exception {
        Path parent = Path.of(args[0]);
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (Method method : Pkcs11MasterKeyProviderTest.class.getDeclaredMethods()) {
            if (!method.isAnnotationPresent(Test.class)) {
                continue;
            }
            Pkcs11MasterKeyProviderTest test = new Pkcs11MasterKeyProviderTest();
            test.dir = Files.createDirectories(parent.resolve(method.getName()));
            method.setAccessible(true);
            try {
                method.invoke(test);
                passed++;
                System.out.println("PASSED " + method.getName());
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof org.opentest4j.TestAbortedException) {
                    skipped++;
                    System.out.println("SKIPPED " + method.getName());
                    continue;
                }
                failed++;
                System.out.println("FAILED " + method.getName());
                e.getCause().printStackTrace(System.out);
            }
        }
        System.out.println("pkcs11 child run: " + passed + " passed, " + failed + " failed, " + skipped + " skipped");
        System.exit(failed == 0 && passed > 0 ? 0 : 1);
    }

    private static Map<String, String> makeToken(Path script, Path tokenDir) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", script.toString(), tokenDir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String exports = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("softhsm-token.sh finished").isTrue();
        assertThat(process.exitValue()).as("softhsm-token.sh exit status").isZero();
        Map<String, String> environment = new java.util.HashMap<>();
        for (String line : exports.split("\n")) {
            // the script prints `export NAME=VALUE`; our temp paths need no shell quoting
            if (line.startsWith("export ") && line.indexOf('=') > 0) {
                String assignment = line.substring("export ".length());
                int equals = assignment.indexOf('=');
                environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        assertThat(environment).containsKeys("SOFTHSM2_CONF", "CLOAK_HSM_PIN", "CLOAK_TEST_PKCS11_MODULE");
        return environment;
    }

    /** Surefire runs tests from a manifest-only jar and publishes the real class path in this property. */
    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** .ci/softhsm-token.sh of the checkout, found from the module directory upwards. */
    private static Path findScript() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path script = at.resolve(".ci").resolve("softhsm-token.sh");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        return null;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        return List.of(path.split(File.pathSeparator)).stream()
                .anyMatch(entry -> Files.isExecutable(Path.of(entry, command)));
    }
}
