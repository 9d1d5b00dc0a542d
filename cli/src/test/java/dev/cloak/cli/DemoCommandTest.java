package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs {@code cloak demo} in-process, once, and reads its output the way a newcomer would. */
class DemoCommandTest {

    private static final List<String> PLAINTEXTS = List.of(
            "900-12-3456", "Ada Lovelace", "900-23-4567", "Alan Turing", "900-34-5678", "Grace Hopper");

    private static int exit;
    private static String output;
    private static String errors;

    @BeforeAll
    static void runDemo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        exit = CloakCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute("demo");
        output = out.toString();
        errors = err.toString();
    }

    @Test
    void demoSucceeds() {
        assertThat(exit).as("exit code; stderr: %s", errors).isZero();
    }

    @Test
    void applicationColumnShowsThePlaintext() {
        String app = String.join("\n", tableColumn(true));

        assertThat(app).contains("900-12-3456", "Ada Lovelace", "1815-12-10", "Alan Turing", "Grace Hopper");
    }

    @Test
    void storedColumnShowsCloakCellsAndNoPlaintext() {
        List<String> stored = tableColumn(false);

        assertThat(stored).hasSize(9).allMatch(cell -> cell.matches("01 0[12] [0-9a-f]{10} [0-9a-f.]+ \\(\\d+ bytes\\)"));
        for (String plaintext : PLAINTEXTS) {
            String hex = HexFormat.of().formatHex(plaintext.getBytes(StandardCharsets.UTF_8), 0, 4);
            assertThat(stored).noneMatch(cell -> cell.contains(plaintext) || cell.replace(" ", "").contains(hex));
        }
    }

    @Test
    void ssnIsStoredDeterministicallyAndNameRandomized() {
        List<String> stored = tableColumn(false);

        assertThat(stored.get(0)).startsWith("01 02 ");
        assertThat(stored.get(1)).startsWith("01 01 ");
        assertThat(stored.get(2)).startsWith("01 01 ");
    }

    @Test
    void lookupBySsnFindsThePatient() {
        assertThat(output).contains("WHERE ssn = ?").containsPattern("found: 2 +Alan Turing +1912-06-23");
    }

    @Test
    void orderByOnRandomizedColumnIsShownRefused() {
        assertThat(output).contains("ORDER BY name").containsPattern("refused: .*name.*\\(SQLState 0A000\\)");
    }

    @Test
    void temporaryDirectoryIsRemoved() {
        Matcher dir = Pattern.compile("\\(local:\\) in (.+)").matcher(output);

        assertThat(dir.find()).as("the demo names its temporary directory").isTrue();
        assertThat(Files.exists(Path.of(dir.group(1).strip()))).isFalse();
        assertThat(output).contains("the temporary directory and the database are gone");
    }

    @Test
    void outputHoldsNoKeyMaterial() {
        // Tink JSON keysets carry "keyData"/"value" fields; none of that may reach the terminal.
        assertThat(output + errors).doesNotContain("keyData", "encryptedKeyset", "\"value\"", "primaryKeyId");
    }

    /** The application (true) or database (false) column of the side-by-side table, one cell per line. */
    private static List<String> tableColumn(boolean application) {
        List<String> lines = output.lines().toList();
        String header = lines.stream().filter(l -> l.startsWith("id ") && l.contains(DemoCommand.STORED_HEADER)).findFirst()
                .orElseThrow(() -> new AssertionError("no side-by-side table in:\n" + output));
        int appStart = header.indexOf(DemoCommand.APP_HEADER);
        int storedStart = header.indexOf(DemoCommand.STORED_HEADER);
        int first = lines.indexOf(header) + 2;
        return lines.subList(first, first + 9).stream()
                .map(l -> application ? l.substring(appStart, storedStart).strip() : l.substring(storedStart).strip())
                .toList();
    }

}
