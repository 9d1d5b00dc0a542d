package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cloak doctor --config FILE}. */
class DoctorCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int doctor(String policyYaml, String... options) throws Exception {
        Path policy = Files.writeString(dir.resolve("cloak.yaml"), policyYaml);
        String[] args = new String[3 + options.length];
        args[0] = "doctor";
        args[1] = "--config";
        args[2] = policy.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        return CloakCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void aDevelopmentPolicyGetsWarningsForEveryRiskButNoError() throws Exception {
        int exit = doctor(String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "  auto-create: true",
                "network:",
                "  require-tls: false",
                "columns:",
                "  patients.ssn: { type: varchar, mode: deterministic }",
                "  patients.name: { type: varchar, mode: randomized }",
                ""));

        assertThat(exit).isZero();
        assertThat(out.toString())
                .containsPattern("WARNING\\s+keyring\\.master-key\\s+local: is a development master key")
                .containsPattern("WARNING\\s+network\\.require-tls\\s+false")
                .containsPattern("WARNING\\s+keyring\\.auto-create\\s+true: .*cloak keys init --all")
                .containsPattern("WARNING\\s+audit\\.sink\\s+no audit trail")
                .containsPattern("WARNING\\s+keyring\\.ledger\\s+not set: a key store restored from an older backup")
                .containsPattern("NOTE\\s+columns\\.patients\\.ssn\\s+deterministic")
                .doesNotContain("columns.patients.name")
                .contains("0 error(s), 5 warning(s), 1 note(s)");
    }

    @Test
    void aProductionPolicyHasNoFindings() throws Exception {
        int exit = doctor(String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"pkcs11:token=cloak;object=master?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=env:CLOAK_HSM_PIN\"",
                "  store: database",
                "  ledger: \"file:" + dir.resolve("ledger.json") + "\"",
                "  auto-create: false",
                "columns:",
                "  patients.name: { type: varchar, mode: randomized }",
                "audit:",
                "  sink: \"file:" + dir.resolve("audit.jsonl") + "\"",
                ""), "--offline");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("0 error(s), 0 warning(s), 0 note(s)").doesNotContain("WARNING");
    }

    @Test
    void aMasterKeyOfAnUnknownSchemeIsAnErrorAndFailsTheCommand() throws Exception {
        int exit = doctor(String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"rot13:whatever\"",
                "  auto-create: false",
                "audit:",
                "  sink: \"file:" + dir.resolve("audit.jsonl") + "\"",
                ""));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).containsPattern("ERROR\\s+keyring\\.master-key\\s+the master key's scheme is not one Cloak knows")
                .contains("1 error(s)");
    }

    @Test
    void aPolicyThatDoesNotLoadFailsWithOneLine() throws Exception {
        int exit = doctor("version: 1\nkeyring: {}\n");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip()).startsWith("cloak doctor: ").doesNotContain("\n");
    }

    private static String networkPolicy(Path dir, String network) {
        return String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "network:",
                network,
                "");
    }

    @Test
    void aUrlIsCheckedAgainstEveryNetworkRuleAndEachFailureNamed() throws Exception {
        int exit = doctor(networkPolicy(dir, "  require-tls: true"), "--offline", "--url",
                "jdbc:cloak:postgresql://db.example.com/app?sslmode=require&socketFactory=a.B");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .containsPattern("ERROR\\s+network\\.allow-driver-settings\\s+The delegate setting socketFactory")
                .containsPattern("ERROR\\s+network\\.verify-server\\s+.*sslmode=verify-full");
    }

    @Test
    void aUrlThatPassesGetsAnOkLinePerRule() throws Exception {
        int exit = doctor(networkPolicy(dir, "  require-tls: true"), "--offline", "--url",
                "jdbc:postgresql://db.example.com/app?sslmode=verify-full&sslrootcert=/etc/ca.pem");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .containsPattern("OK\\s+network\\.allow-driver-settings\\s+no delegate setting")
                .containsPattern("OK\\s+network\\.verify-server\\s+the URL makes the driver verify")
                .doesNotContain("ERROR");
    }

    @Test
    void anEmbeddedDatabaseIsCheckedOnlineToo() throws Exception {
        int exit = doctor(networkPolicy(dir, "  require-tls: true\n  min-tls: \"1.3\""), "--url",
                "jdbc:h2:mem:doctor");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("OK\\s+network\\.require-tls\\s+an embedded H2 database");
    }

    @Test
    void allowedDriverSettingsAndAnUnverifiedServerAreWarnings() throws Exception {
        doctor(networkPolicy(dir, "  verify-server: false\n  allow-driver-settings: [socketFactory]"), "--offline");

        assertThat(out.toString())
                .containsPattern("WARNING\\s+network\\.verify-server\\s+false")
                .containsPattern("WARNING\\s+network\\.allow-driver-settings\\s+allows \\[socketfactory\\]");
    }
}
