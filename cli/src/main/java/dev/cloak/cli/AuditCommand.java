package dev.cloak.cli;

import dev.cloak.keyring.audit.AuditVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cloak audit}: works on the tamper-evident audit trail ({@code audit.sink}). */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        versionProvider = CloakCommand.Version.class,
        description = "Works on the tamper-evident audit trail of key events (audit.sink).",
        subcommands = AuditCommand.Verify.class)
public final class AuditCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        // `cloak audit` alone does nothing: a usage error (exit 2) that lists what it can do.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** {@code cloak audit verify FILE}: recomputes the hash chain and names the first broken record. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            versionProvider = CloakCommand.Version.class,
            description = {"Recomputes the hash chain of an audit trail and names the first broken record.",
                    "Prints 'OK: N records, chain intact' and exits 0, or 'BROKEN at line L (seq S): reason' and "
                            + "exits 1."})
    static final class Verify implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "FILE", description = "the audit trail, e.g. ./cloak-audit.jsonl")
        private Path file;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            AuditVerifier.Result result;
            try {
                result = AuditVerifier.verify(file);
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(file.toString(), null, "audit trail not found");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(result.describe());
            out.flush();
            return result.intact() ? 0 : CloakCommand.EXIT_FAILURE;
        }
    }
}
