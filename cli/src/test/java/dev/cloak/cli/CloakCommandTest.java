package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CloakCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int cloak(CommandLine command, String... args) {
        return command.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void helpListsTheDemoKeysMigrateDoctorAuditAndExplainSubcommandsAndNoOther() {
        int exit = cloak(CloakCommand.commandLine(), "--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Usage: cloak").contains("demo").contains("keys").contains("migrate")
                .contains("doctor").contains("audit").contains("explain");
        assertThat(CloakCommand.commandLine().getSubcommands())
                .containsOnlyKeys("demo", "keys", "migrate", "doctor", "audit", "explain");
    }

    @Test
    void demoHasItsOwnHelp() {
        int exit = cloak(CloakCommand.commandLine(), "demo", "--help");

        assertThat(exit).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("Usage: cloak demo").contains("embedded H2, development key");
    }

    @Test
    void versionNamesTheCommand() {
        int exit = cloak(CloakCommand.commandLine(), "--version");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("cloak ").contains("Java");
    }

    @Test
    void cloakWithoutASubcommandIsAUsageErrorThatListsTheSubcommands() {
        int exit = cloak(CloakCommand.commandLine());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing subcommand").contains("demo");
    }

    @Test
    void unknownSubcommandIsAUsageErrorWithNonZeroExit() {
        int exit = cloak(CloakCommand.commandLine(), "unknown");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument").contains("'unknown'");
    }

    @Test
    void failureIsReportedOnOneLineWithItsSqlStateAndNoStackTrace() {
        CommandLine command = CloakCommand.commandLine().addSubcommand(new Failing());

        int exit = cloak(command, "failing");

        assertThat(exit).isEqualTo(CloakCommand.EXIT_FAILURE);
        assertThat(err.toString()).isEqualTo("cloak failing: key store unavailable (SQLState 58030)" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void reasonOfAMultiLineMessageIsOneLine() {
        assertThat(CloakCommand.reason(new IllegalStateException("first\n  second\r\nthird")))
                .isEqualTo("first second third");
    }

    @Test
    void reasonWithoutAMessageNamesTheFailure() {
        assertThat(CloakCommand.reason(new NullPointerException())).isEqualTo("NullPointerException");
    }

    @Command(name = "failing")
    static final class Failing implements Callable<Integer> {
        @Override
        public Integer call() throws SQLException {
            throw new SQLException("key store unavailable\n", "58030");
        }
    }
}
