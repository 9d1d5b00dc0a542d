package dev.cloak.cli;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditException;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.StoredKeyDomain;
import dev.cloak.rewriter.Dialect;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cloak migrate}: rewrites the stored cells of encrypted columns (re-encryption under the key domain's active
 * version), and moves existing columns into or out of encryption ({@link ShadowCommands}). Prints counts and key
 * versions; never a value and never key material.
 */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        versionProvider = CloakCommand.Version.class,
        description = {"Rewrites the stored cells of an encrypted column (reencrypt), or moves an existing column into "
                + "(encrypt) or out of (decrypt) encryption through a shadow column, online, in batches."},
        subcommands = {MigrateCommand.Reencrypt.class, ShadowCommands.EncryptCommand.class,
                ShadowCommands.DecryptCommand.class, ShadowCommands.RekeyCommand.class,
                ShadowCommands.StatusCommand.class,
                ShadowCommands.RollbackCommand.class, ShadowCommands.FinishCommand.class})
public final class MigrateCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        // `cloak migrate` alone does nothing: a usage error (exit 2) that lists what it can do.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** {@code cloak migrate reencrypt TABLE.COLUMN}. */
    @Command(name = "reencrypt", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {
                "Rewrites every cell of an encrypted column that is not under its key's active version (after "
                        + "`cloak keys rotate`), so older versions can be retired and destroyed.",
                "Walks the table in primary-key order, one transaction per batch; a row the application changed "
                        + "meanwhile is never overwritten (it is retried, or left for the next run). Interrupted runs "
                        + "continue where they stopped when run again. Verifies every cell at the end.",
                "Run it once every application uses the new version (keyring.cache.ttl after the rotation)."})
    static final class Reencrypt implements Callable<Integer> {

        private static final int DEFAULT_BATCH = 1000;

        @Parameters(index = "0", paramLabel = "TABLE.COLUMN",
                description = "the encrypted column as the policy names it, e.g. patients.ssn")
        String column;

        @Mixin
        PolicyOptions options;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + DEFAULT_BATCH,
                description = "rows read, rewritten and committed per transaction (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (batchSize < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be at least 1");
            }
            if (!options.hasUrl()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Missing required option: '--url=JDBC_URL' (the database whose rows are rewritten)");
            }
            CloakConfig policy = options.policy();
            ColumnPolicy target = columnOf(policy);
            AuditTrail audit = PolicyOptions.auditTrail(policy);
            KeyVersion active = activeVersion(policy, target, audit);
            Reencryption.Outcome outcome;
            try (Connection connection = options.connect()) {
                Dialect dialect = CompiledPolicy.dialectOf(connection.getMetaData().getDatabaseProductName());
                StoredTable table = StoredTable.resolve(connection, target);
                // a new keyring, read from the key store now: it encrypts under the version just described
                try (CompiledPolicy compiled = CompiledPolicy.compile(policy, options::connect,
                        List.of(options::connect), dialect);
                     ProgressBar bar = progressBar(connection, table)) {
                    LongConsumer progress = bar == null ? rows -> { } : bar::stepBy;
                    Reencryption reencryption = new Reencryption(compiled.codecOf(target), active, table, batchSize,
                            dialect != null, progress, () -> { });
                    outcome = reencryption.run(connection);
                }
            } catch (Exception e) {
                recordQuietly(audit, target, active, AuditOutcome.FAILED, e);
                throw e;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(summary(target, active, outcome));
            out.flush();
            String failure = failure(target, active, outcome);
            AuditOutcome audited = failure == null ? AuditOutcome.OK : AuditOutcome.FAILED;
            try {
                audit.record(principal(), AuditEvent.REENCRYPTED, target.keyDomain(), active.idText(), audited);
            } catch (AuditException e) {
                throw new IllegalStateException("the re-encryption of " + target.name()
                        + " is done but cannot be audited: " + e.getMessage(), e);
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return 0;
        }

        /** The policy's column named {@code TABLE.COLUMN} (or {@code SCHEMA.TABLE.COLUMN}), as SQL matches names. */
        private ColumnPolicy columnOf(CloakConfig policy) {
            List<ColumnPolicy> byName = policy.columns().stream().filter(c -> named(c.name(), c)).toList();
            List<ColumnPolicy> matches = byName.isEmpty()
                    ? policy.columns().stream().filter(c -> named(c.table() + "." + c.column(), c)).toList()
                    : byName;
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("column " + column + " is not an encrypted column of policy "
                        + options.config);
            }
            if (matches.size() > 1) {
                throw new IllegalArgumentException("column " + column + " names several encrypted columns of policy "
                        + options.config + ": add the schema");
            }
            return matches.get(0);
        }

        private boolean named(String name, ColumnPolicy c) {
            return c.quoted() ? name.equals(column) : name.equalsIgnoreCase(column);
        }

        /** The key domain's active version as the key store has it now. */
        private KeyVersion activeVersion(CloakConfig policy, ColumnPolicy target, AuditTrail audit) throws Exception {
            StoredKeyDomain domain;
            try (KeyAdministration admin = KeyAdministration.open(policy.masterKey(), options.keyStore(policy), audit,
                    PolicyOptions.ledger(policy), PolicyOptions.masterKeyOptions(policy))) {
                domain = admin.describe(target.keyDomain());
            }
            return domain.primary().orElseThrow(() -> new IllegalStateException("key domain " + target.keyDomain()
                    + " has no active version"));
        }

        /** A progress bar on stderr when a person watches; none when the output goes to a file or a pipe. */
        private static ProgressBar progressBar(Connection connection, StoredTable table) throws SQLException {
            if (System.console() == null) {
                return null;
            }
            long rows;
            try (Statement count = connection.createStatement();
                 ResultSet result = count.executeQuery("SELECT COUNT(*) FROM " + table.table())) {
                result.next();
                rows = result.getLong(1);
            }
            return new ProgressBarBuilder().setTaskName("Re-encrypting").setInitialMax(rows).setUnit(" rows", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).clearDisplayOnFinish().build();
        }

        private static String summary(ColumnPolicy target, KeyVersion active, Reencryption.Outcome o) {
            return String.format(Locale.ROOT, "Re-encrypted %s under version %s of key domain %s: %d rows scanned, "
                            + "%d re-encrypted, %d already current, %d skipped (changed concurrently), %d NULL%s",
                    target.name(), active.idText(), target.keyDomain(), o.scanned(), o.reencrypted(), o.current(),
                    o.skipped(), o.nulls(), o.failed() == 0 ? "" : ", " + o.failed() + " failed") + verified(o);
        }

        private static String verified(Reencryption.Outcome o) {
            long left = o.failed() + o.leftChanged() + o.leftUnknown();
            if (left == 0) {
                return "; verified: no cell left under an older version";
            }
            return "; verified: " + left + " cell(s) left under older versions"
                    + (o.leftChanged() > 0
                            ? ", " + o.leftChanged() + " of them in rows changed concurrently: run again" : "");
        }

        /** Why the run did not reach every cell it should have, or null when it did. */
        private static String failure(ColumnPolicy target, KeyVersion active, Reencryption.Outcome o) {
            if (o.failed() > 0) {
                return o.failed() + " cell(s) of " + target.name() + " could not be re-encrypted and stay under older "
                        + "versions (first: " + o.firstFailure() + ")";
            }
            if (o.leftUnknown() > 0) {
                return "verification found " + o.leftUnknown() + " cell(s) of " + target.name()
                        + " under a version other than " + active.idText() + " that were written after this run"
                        + " passed them: an application may still encrypt with an older version (until"
                        + " keyring.cache.ttl after the rotation); run again";
            }
            return null;
        }

        private static void recordQuietly(AuditTrail audit, ColumnPolicy target, KeyVersion active,
                                          AuditOutcome outcome, Exception failure) {
            try {
                audit.record(principal(), AuditEvent.REENCRYPTED, target.keyDomain(), active.idText(), outcome);
            } catch (AuditException e) {
                failure.addSuppressed(e);
            }
        }

        /** Key events happen on behalf of the process: the OS user names it, as for the keyring's own events. */
        private static String principal() {
            String user = System.getProperty("user.name");
            return user == null || user.isBlank() ? null : user;
        }
    }
}
