package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code cloak-driver} brings into an application at compile and runtime scope, transitive dependencies
 * included: the build writes the list ({@code dependency:list}, see the driver's POM) before the tests run.
 */
class RuntimeDependenciesTest {

    private static final Path LIST = Path.of("target", "runtime-dependencies.txt");

    /** {@code groupId:artifactId} of each listed dependency. */
    private static List<String> dependencies() throws IOException {
        assertThat(LIST).as("written by the build's dependency:list; run the tests through Maven").exists();
        return Files.readAllLines(LIST).stream()
                .map(String::strip)
                .filter(line -> line.chars().filter(c -> c == ':').count() >= 4)
                .map(line -> line.split(":"))
                .map(parts -> parts[0] + ":" + parts[1])
                .toList();
    }

    @Test
    void theListHoldsTheDriversOwnDependencies() throws IOException {
        assertThat(dependencies()).contains("dev.cloak:cloak-rewriter", "dev.cloak:cloak-keyring",
                "com.github.jsqlparser:jsqlparser", "com.google.crypto.tink:tink",
                "com.github.ben-manes.caffeine:caffeine", "org.snakeyaml:snakeyaml-engine");
    }

    @Test
    void jsqlParsersBenchmarkHarnessDoesNotReachApplications() throws IOException {
        assertThat(dependencies()).doesNotContain("org.openjdk.jmh:jmh-core", "net.sf.jopt-simple:jopt-simple",
                "org.apache.commons:commons-math3");
    }

    @Test
    void micrometerIsOptionalAndDoesNotReachApplications() throws IOException {
        // CloakMetrics uses it; an application that has no Micrometer gets none (see WithoutMicrometerTest)
        assertThat(dependencies()).anyMatch(dependency -> dependency.startsWith("io.micrometer:"));
        assertThat(Files.readAllLines(LIST)).filteredOn(line -> line.contains("io.micrometer:"))
                .allMatch(line -> line.contains("(optional)"));
    }
}
