package dev.cloak.cli;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PolicyFile;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.policy.RewriterColumns;
import dev.cloak.rewriter.Dialect;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.LiteralSlot;
import dev.cloak.rewriter.Projection;
import dev.cloak.rewriter.RejectedStatementException;
import dev.cloak.rewriter.SqlRewriter;
import dev.cloak.rewriter.StarTable;
import dev.cloak.rewriter.StatementPlan;
import dev.cloak.rewriter.UnsupportedStatementException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cloak explain "SQL" --config FILE}: plans one SQL text with the policy's rewriter, as the driver would,
 * and prints which parameters and result columns are encrypted, which literals get encrypted, the rewritten DDL,
 * or why the statement is rejected (exit 1). Needs no keyring and no database; never prints literal values.
 */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        versionProvider = CloakCommand.Version.class,
        description = {"Prints Cloak's plan of a SQL statement: encrypted parameters, result columns and literals,",
                "the rewritten DDL, or why it is rejected (exit 1). Needs no keys and no database."})
public final class ExplainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SQL", description = "the statement, as the application sends it")
    private String sql;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the Cloak policy file (YAML)")
    private Path config;

    @Option(names = "--dialect", paramLabel = "DIALECT", defaultValue = "postgresql",
            description = "postgresql, mariadb or h2: decides the binary type of rewritten DDL"
                    + " (default: ${DEFAULT-VALUE})")
    private String dialect;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Dialect target = dialect(dialect);
        CloakConfig policy = PolicyFile.load(config.toString());
        PrintWriter out = spec.commandLine().getOut();
        try {
            print(rewriter(policy, target).plan(sql), out);
            return 0;
        } catch (UnsupportedStatementException e) {
            // as the driver refuses it: the same exception, so the same SQLState and message
            RejectedStatementException refused = SqlErrors.refused(e);
            out.println("REJECTED (" + refused.getSQLState() + "): " + oneLine(refused.getMessage()));
            return CloakCommand.EXIT_FAILURE;
        } finally {
            out.flush();
        }
    }

    private Dialect dialect(String name) {
        return Dialect.of(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                "--dialect must be postgresql, mariadb or h2, not '" + name + "'"));
    }

    /** The rewriter as the driver builds it, without a keyring: no cache, one plan. */
    static SqlRewriter rewriter(CloakConfig policy, Dialect dialect) {
        return RewriterColumns.rewriter(policy, 0, dialect);
    }

    /** The plan as lines of text; literal values are plaintext of encrypted columns and are never shown. */
    static void print(StatementPlan plan, PrintWriter out) {
        if (plan.passThrough()) {
            out.println("PASS_THROUGH: names no configured table; sent untouched");
            out.println("parameters: " + plan.parameterCount() + ", none encrypted");
            return;
        }
        out.println(plan.kind().name());
        out.println("parameters: " + plan.parameterCount());
        for (int i = 1; i <= plan.parameterCount(); i++) {
            EncryptedColumn column = plan.parameter(i);
            out.println("  ?" + i + " -> " + (column != null ? describe(column)
                    : plan.standIn(i) != null ? "plain, only tested for NULL (a stand-in is sent, never the value)"
                    : "plain"));
        }
        List<Projection> projections = plan.projections();
        if (!projections.isEmpty()) {
            out.println("result columns: " + projections.size() + " item(s)");
            for (int i = 0; i < projections.size(); i++) {
                out.println("  " + (i + 1) + " -> " + describe(projections.get(i), plan.starTable(i)));
            }
        }
        if (plan.hasEncryptedLiterals()) {
            out.println("literals encrypted: " + plan.literals().size());
            for (LiteralSlot slot : plan.literals()) {
                out.println("  characters " + slot.start() + ".." + slot.end() + " -> " + describe(slot.column()));
            }
        }
        if (plan.kind() == StatementPlan.Kind.DDL) {
            out.println("rewritten:");
            // a literal slot stands for its ciphertext; its plaintext stays out of the output
            out.println("  " + plan.render(slot -> "<ciphertext of " + slot.column().name() + ">"));
        }
    }

    private static String describe(Projection projection, StarTable table) {
        if (projection instanceof Projection.Column column) {
            return column.column() == null ? "plain" : describe(column.column());
        }
        Projection.AllColumns all = (Projection.AllColumns) projection;
        String over = table == null ? "*"
                : "* of " + (table.schema() == null ? "" : table.schema() + ".") + table.table();
        if (all.encryptedByLowerCaseName().isEmpty()) {
            return over + ", no encrypted column";
        }
        List<String> encrypted = new ArrayList<>();
        for (String name : new TreeSet<>(all.encryptedByLowerCaseName().keySet())) {
            encrypted.add(describe(all.encryptedByLowerCaseName().get(name)));
        }
        return over + ", encrypted by name: " + String.join(", ", encrypted);
    }

    private static String describe(EncryptedColumn column) {
        return column.name() + " (" + (column.deterministic() ? "deterministic" : "randomized") + ")";
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
