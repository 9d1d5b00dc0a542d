package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cloak explain "SQL" --config FILE}. */
class ExplainCommandTest {

    @TempDir
    Path dir;

    private Path policy;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writePolicy() throws Exception {
        // the key files do not exist: explain must not open the keyring
        policy = Files.writeString(dir.resolve("cloak.yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "network:",
                "  require-tls: false",
                "columns:",
                "  patients.ssn: { type: varchar, size: 11, mode: deterministic }",
                "  patients.name: { type: varchar, size: 100, mode: randomized }",
                ""));
    }

    private int explain(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "explain";
        System.arraycopy(args, 0, all, 1, args.length);
        return CloakCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(all);
    }

    @Test
    void insertParametersAreMappedToTheirEncryptedColumnsOrPlain() {
        int exit = explain("INSERT INTO patients (id, ssn, name) VALUES (?, ?, ?)", "--config", policy.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .startsWith("INSERT")
                .contains("parameters: 3")
                .contains("?1 -> plain")
                .contains("?2 -> patients.ssn (deterministic)")
                .contains("?3 -> patients.name (randomized)");
        assertThat(Files.exists(dir.resolve("keys.json"))).isFalse();
    }

    @Test
    void selectShowsEncryptedResultColumnsByPositionAndTheWhereParameter() {
        int exit = explain("SELECT id, name FROM patients WHERE ssn = ?", "--config", policy.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .startsWith("SELECT")
                .contains("?1 -> patients.ssn (deterministic)")
                .contains("result columns: 2 item(s)")
                .contains("1 -> plain")
                .contains("2 -> patients.name (randomized)");
    }

    @Test
    void starNamesItsTableAndTheEncryptedColumnsItCovers() {
        int exit = explain("SELECT * FROM patients", "--config", policy.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("1 -> * of patients, encrypted by name: patients.name (randomized), patients.ssn (deterministic)");
    }

    @Test
    void literalOfAnEncryptedColumnIsShownByColumnButItsValueNever() {
        int exit = explain("SELECT id FROM patients WHERE ssn = '123-45-6789'", "--config", policy.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("literals encrypted: 1")
                .containsPattern("characters \\d+\\.\\.\\d+ -> patients\\.ssn \\(deterministic\\)")
                .doesNotContain("123-45-6789");
    }

    @Test
    void statementOnAnUnconfiguredTableIsPassThrough() {
        int exit = explain("SELECT label FROM invoices WHERE id = ?", "--config", policy.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("PASS_THROUGH").contains("none encrypted");
    }

    @Test
    void createTableShowsTheRewrittenTextWithTheDialectsBinaryType() {
        int exit = explain("CREATE TABLE patients (id INT PRIMARY KEY, ssn VARCHAR(11), name VARCHAR(100))",
                "--config", policy.toString(), "--dialect", "mariadb");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("DDL").contains("rewritten:").contains("ssn VARBINARY (68)")
                .doesNotContain("VARCHAR(11)");
    }

    @Test
    void orderByOnRandomizedColumnIsRejectedWithExitOne() {
        int exit = explain("SELECT id FROM patients ORDER BY name", "--config", policy.toString());

        assertThat(exit).isEqualTo(CloakCommand.EXIT_FAILURE);
        assertThat(out.toString()).startsWith("REJECTED (0A000): ").contains("patients.name");
        assertThat(out.toString().lines().count()).isEqualTo(1);
    }

    @Test
    void rejectionMessageDoesNotRepeatALiteralValue() {
        int exit = explain("SELECT id FROM patients WHERE name LIKE 'Smi%'", "--config", policy.toString());

        assertThat(exit).isEqualTo(CloakCommand.EXIT_FAILURE);
        assertThat(out.toString()).startsWith("REJECTED (0A000): ").doesNotContain("Smi");
    }

    @Test
    void unknownDialectIsAUsageError() {
        int exit = explain("SELECT 1", "--config", policy.toString(), "--dialect", "oracle");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--dialect must be postgresql, mariadb or h2");
    }

    @Test
    void missingPolicyFileFailsOnOneLine() {
        int exit = explain("SELECT 1", "--config", dir.resolve("absent.yaml").toString());

        assertThat(exit).isEqualTo(CloakCommand.EXIT_FAILURE);
        assertThat(err.toString()).startsWith("cloak explain: ").hasLineCount(1);
    }

    @Test
    void explainHasItsOwnHelp() {
        int exit = explain("--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Usage: cloak explain").contains("--config").contains("--dialect");
    }
}
