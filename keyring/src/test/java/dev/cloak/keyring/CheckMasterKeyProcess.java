package dev.cloak.keyring;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM that opens master keys and asks each whether it answers ({@link Keyring#checkMasterKey(String,
 * MasterKeyOptions)}), printing one line per URI: {@code OK scheme} or the failure's kind and message. For tests that
 * need another class path or environment than their own JVM's.
 */
public final class CheckMasterKeyProcess {

    private CheckMasterKeyProcess() {
    }

    public static void main(String[] uris) {
        for (String uri : uris) {
            try {
                Keyring.checkMasterKey(uri, new MasterKeyOptions(Duration.ofSeconds(5)));
                System.out.println("OK " + MasterKeyUris.scheme(uri));
            } catch (KeyringException e) {
                System.out.println(e.kind() + " " + e.getMessage());
            }
        }
    }

    /**
     * Runs the check of {@code uris} in a child JVM whose class path is this one's minus the entries {@code drop}
     * matches, with {@code environment} added; returns its output lines.
     */
    public static List<String> run(Predicate<String> drop, Map<String, String> environment, String... uris)
            throws IOException, InterruptedException {
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator)) {
            if (!drop.test(entry)) {
                classPath.add(entry);
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", String.join(File.pathSeparator, classPath), CheckMasterKeyProcess.class.getName()));
        command.addAll(List.of(uris));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new IOException("the child JVM did not finish");
        }
        return output.lines().toList();
    }
}
