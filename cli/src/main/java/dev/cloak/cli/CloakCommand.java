package dev.cloak.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cloak} command: the entry point of {@code cloak.jar}. Subcommands do the work; this class
 * only wires them up, prints the version and turns any failure into one line and a non-zero exit code.
 */
@Command(
        name = "cloak",
        mixinStandardHelpOptions = true,
        versionProvider = CloakCommand.Version.class,
        description = "Transparent client-side column encryption for JDBC databases.",
        subcommands = {DemoCommand.class, KeysCommand.class, MigrateCommand.class, DoctorCommand.class,
                AuditCommand.class, ExplainCommand.class})
public final class CloakCommand implements Runnable {

    /** Exit code of a command that failed while running (usage errors exit with picocli's 2). */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs {@code cloak} with the process's arguments and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** A ready {@code cloak} command line; tests redirect its output with {@code setOut}/{@code setErr}. */
    public static CommandLine commandLine() {
        return new CommandLine(new CloakCommand()).setExecutionExceptionHandler(CloakCommand::reportFailure);
    }

    @Override
    public void run() {
        // `cloak` alone does nothing: a usage error (exit 2) that lists what it can do.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    private static int reportFailure(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        // the full path ("cloak audit verify"), so a nested subcommand's failure says where it came from
        err.println(command.getCommandSpec().qualifiedName() + ": " + reason(failure));
        err.flush();
        return EXIT_FAILURE;
    }

    /** One line that says what went wrong; Cloak's exceptions carry no plaintext and no key material. */
    static String reason(Throwable failure) {
        String message = failure.getMessage();
        String text = message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
        if (failure instanceof SQLException sql && sql.getSQLState() != null) {
            text = text + " (SQLState " + sql.getSQLState() + ")";
        }
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Reads the version Maven wrote into the jar; a build from the IDE has none. */
    static final class Version implements CommandLine.IVersionProvider {
        private static final String POM_PROPERTIES = "/META-INF/maven/dev.cloak/cloak-cli/pom.properties";

        @Override
        public String[] getVersion() {
            return new String[] {"cloak " + version() + " (Java " + Runtime.version() + ")"};
        }

        static String version() {
            try (InputStream in = CloakCommand.class.getResourceAsStream(POM_PROPERTIES)) {
                if (in != null) {
                    Properties pom = new Properties();
                    pom.load(in);
                    return pom.getProperty("version", "unknown");
                }
            } catch (IOException e) {
                return "unknown";
            }
            return "development build";
        }
    }
}
