package dev.cloak.cli;

import com.google.crypto.tink.DeterministicAead;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.migration.ColumnMigration;
import dev.cloak.driver.internal.migration.MigrationDirection;
import dev.cloak.driver.internal.migration.MigrationState;
import dev.cloak.driver.internal.migration.MigrationStore;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.driver.internal.policy.DatabaseDomainUsage;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.KeyVersionStatus;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KeyPurpose;
import dev.cloak.rewriter.Dialect;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cloak migrate encrypt | decrypt | rekey | status | rollback | finish}: moving an existing column into or out
 * of encryption, or to a new key version, online through a shadow column ({@link ShadowMigration}). Prints states,
 * counts, key version ids and primary keys; never a value and never key material.
 */
final class ShadowCommands {

    private static final int DEFAULT_BATCH = 1000;

    private ShadowCommands() {
    }

    /** What every shadow-migration command opens: the policy, the column, its codec. */
    abstract static class ColumnTask implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "TABLE.COLUMN", description = "the column as the policy names it")
        String column;

        @Mixin
        PolicyOptions options;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + DEFAULT_BATCH,
                description = "rows per transaction (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Spec
        CommandSpec spec;

        CloakConfig policy;
        ColumnPolicy target;

        @Override
        public final Integer call() throws Exception {
            if (!options.hasUrl()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Missing required option: '--url=JDBC_URL' (the database of the column)");
            }
            if (batchSize < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be at least 1");
            }
            policy = options.policy();
            target = columnOf(policy, column);
            PrintWriter out = spec.commandLine().getOut();
            try {
                return run(out);
            } finally {
                out.flush();
            }
        }

        abstract int run(PrintWriter out) throws Exception;

        /** The migration of the column, opened with its codec; {@code direction} null: the recorded one. */
        ShadowMigration open(MigrationDirection direction, PrintWriter out, boolean createKey) throws Exception {
            Optional<ColumnMigration> recorded;
            MigratedColumn migrated;
            Dialect dialect;
            try (Connection c = options.connect()) {
                recorded = MigrationStore.find(c, target.name());
                MigrationDirection d = direction != null ? direction : recorded.map(ColumnMigration::direction)
                        .orElseThrow(() -> new IllegalStateException("column " + target.name()
                                + " has no migration: see `cloak migrate status`"));
                boolean fresh = recorded.isEmpty() || recorded.get().state() == MigrationState.ROLLED_BACK;
                String[] names = fresh ? null : new String[] {recorded.get().shadow(), recorded.get().retained()};
                migrated = MigratedColumn.resolve(c, target, d, names);
                dialect = migrated.dialect();
                direction = d;
            }
            if (createKey) {
                createKeyIfAbsent(out);
            }
            CompiledPolicy compiled = CompiledPolicy.compile(policy, options::connect, List.of(options::connect),
                    dialect);
            ShadowMigration.RekeyKeys keys = direction == MigrationDirection.REKEY ? rekeyKeys() : null;
            return new ShadowMigration(migrated, compiled.codecOf(target), options::connect, direction,
                    policy.cacheTtl(), out, keys);
        }

        /** The key versions of a re-key, through key administration (stage, activate) and a keyring (primitives). */
        private ShadowMigration.RekeyKeys rekeyKeys() {
            String domain = target.keyDomain();
            return new ShadowMigration.RekeyKeys() {
                private CompiledPolicy loaded;

                @Override
                public int[] stage() throws Exception {
                    try (KeyAdministration admin = administration()) {
                        int active = admin.describe(domain).versions().stream()
                                .filter(v -> v.status() == KeyVersionStatus.ACTIVE).findFirst()
                                .orElseThrow(() -> new IllegalStateException("key domain " + domain
                                        + " has no active version"))
                                .id();
                        return new int[] {active, admin.stage(domain).id()};
                    }
                }

                @Override
                public DeterministicAead version(int keyId) throws Exception {
                    if (loaded == null) {
                        // loaded now, after the prepare step staged the version
                        loaded = CompiledPolicy.compile(policy, options::connect, List.of(options::connect), null);
                    }
                    try {
                        return loaded.keyring().domainKeys(domain).deterministicAeadsByVersion(keyId).get(0);
                    } catch (KeyringException e) {
                        throw SqlErrors.keyring(e);
                    }
                }

                @Override
                public void activate(int keyId) throws Exception {
                    try (KeyAdministration admin = administration()) {
                        admin.activate(domain, keyId);
                    }
                }
            };
        }

        KeyAdministration administration() throws Exception {
            return KeyAdministration.open(policy.masterKey(), options.keyStore(policy),
                    PolicyOptions.auditTrail(policy), PolicyOptions.ledger(policy),
                    PolicyOptions.masterKeyOptions(policy));
        }

        /**
         * An encryption needs the column's key, which {@code cloak keys init} does not create for a column holding
         * values: here the values are plaintext, so the key is created when no other column of its domain holds cells.
         */
        private void createKeyIfAbsent(PrintWriter out) throws Exception {
            try (KeyAdministration admin = administration()) {
                if (admin.exists(target.keyDomain())) {
                    return;
                }
                List<ColumnPolicy> others = policy.columns().stream().filter(c -> c != target).toList();
                admin.init(target.keyDomain(), KeysCommand.KeyTask.purposeOf(target),
                        new DatabaseDomainUsage(others, options::connect));
                out.println("created key domain " + target.keyDomain() + " for the migration");
            }
        }
    }

    /** {@code cloak migrate encrypt TABLE.COLUMN} and {@code decrypt}: the steps, or the next one. */
    abstract static class Steps extends ColumnTask {

        @Option(names = "--step", paramLabel = "STEP",
                description = "run one step: prepare, backfill, verify or cutover (default: every step left; the "
                        + "cut-over first waits keyring.cache.ttl so every running instance reads the state before "
                        + "each statement)")
        String step;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
                description = "backfill on N connections over primary-key ranges (default: ${DEFAULT-VALUE}; fixed "
                        + "when the backfill first starts)")
        int threads;

        @Option(names = "--max-rows-per-second", paramLabel = "N", defaultValue = "0",
                description = "hold the backfill to N rows per second over all threads (default: unlimited)")
        long maxRowsPerSecond;

        abstract MigrationDirection direction();

        /** The shadow's SQL type for a decryption; null for an encryption. */
        abstract String shadowType();

        @Override
        int run(PrintWriter out) throws Exception {
            if (threads < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
            }
            ShadowMigration migration = open(direction(), out, direction() == MigrationDirection.ENCRYPT);
            if (step != null) {
                return runStep(migration, step.strip().toLowerCase(Locale.ROOT), out);
            }
            while (true) {
                Optional<ColumnMigration> now = migration.current();
                MigrationState state = now.map(ColumnMigration::state).orElse(MigrationState.ROLLED_BACK);
                String next = switch (state) {
                    case ROLLED_BACK -> "prepare";
                    case PREPARED, BACKFILLING -> "backfill";
                    case BACKFILLED -> "verify";
                    case VERIFIED, CUTTING_OVER -> "cutover";
                    // a finished migration ends its own run; another may start after it (a re-key, the way out)
                    case FINISHED -> ShadowMigration.startsAfter(now.get(), direction()) ? "prepare" : null;
                    case CUT_OVER, ROLLING_BACK -> null;
                };
                if (next == null) {
                    out.println(target.name() + " is " + state.storedName() + "; after checking, drop the old column "
                            + "with `cloak migrate finish " + target.name() + " "
                            + FinishCommand.flagFor(direction()) + "`");
                    return 0;
                }
                int status = runStep(migration, next, out);
                if (status != 0) {
                    return status;
                }
            }
        }

        private int runStep(ShadowMigration migration, String name, PrintWriter out) throws Exception {
            switch (name) {
                case "prepare" -> migration.prepare(shadowType());
                case "backfill" -> migration.backfill(threads, batchSize, maxRowsPerSecond);
                case "verify" -> {
                    if (!migration.verify(batchSize)) {
                        return 1;
                    }
                }
                case "cutover", "cut-over" -> migration.cutOver(batchSize);
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "--step must be prepare, "
                        + "backfill, verify or cutover");
            }
            out.flush();
            return 0;
        }
    }

    /** {@code cloak migrate encrypt TABLE.COLUMN}. */
    @Command(name = "encrypt", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {"Encrypts an existing plaintext column online, through a shadow column:",
                    "prepare (shadow column, trigger, the column's indexes copied), backfill (primary-key order, "
                            + "compare-and-set, checkpointed), verify, cut over (the shadow takes the name; the "
                            + "plaintext is kept as COLUMN_plaintext).",
                    "Then `cloak migrate finish TABLE.COLUMN --drop-plaintext`. `cloak migrate rollback` works from "
                            + "every state before it.",
                    "Needs a primary key of one integer column. List the column in the policy of the applications "
                            + "after the prepare step at the latest."})
    static final class EncryptCommand extends Steps {

        @Override
        MigrationDirection direction() {
            return MigrationDirection.ENCRYPT;
        }

        @Override
        String shadowType() {
            return null;
        }
    }

    /** {@code cloak migrate decrypt TABLE.COLUMN --type SQLTYPE}. */
    @Command(name = "decrypt", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {"Decrypts an encrypted column online, the way out of Cloak: the same steps as encrypt, "
                    + "with a plaintext shadow of type --type; the cells are kept as COLUMN_cells until "
                    + "`cloak migrate finish TABLE.COLUMN --drop-cells`.",
                    "Take the column out of the policy once it is finished."})
    static final class DecryptCommand extends Steps {

        @Option(names = "--type", paramLabel = "SQLTYPE", required = true,
                description = "the plaintext column's SQL type, e.g. 'VARCHAR(255)'")
        String type;

        @Override
        MigrationDirection direction() {
            return MigrationDirection.DECRYPT;
        }

        @Override
        String shadowType() {
            return type;
        }
    }

    /** {@code cloak migrate rekey TABLE.COLUMN}. */
    @Command(name = "rekey", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {"Moves a deterministic column to a new key version online, keeping its UNIQUE "
                    + "constraints true: the same steps as encrypt.",
                    "prepare stages a new key version beside the active one (it decrypts, and encrypts nothing "
                            + "through the applications) and adds a shadow column with the column's indexes; the "
                            + "backfill writes each cell again under the new version; applications write and look "
                            + "up under the old version until the cut-over and under the new one from then on.",
                    "The old cells are kept as COLUMN_oldkey until `cloak migrate finish TABLE.COLUMN "
                            + "--drop-old-cells`, which also makes the new version the active one.",
                    "The column's key domain must not be shared with another column of the policy."})
    static final class RekeyCommand extends Steps {

        @Override
        MigrationDirection direction() {
            return MigrationDirection.REKEY;
        }

        @Override
        String shadowType() {
            return null;
        }

        @Override
        int run(PrintWriter out) throws Exception {
            if (target.mode() != EncryptionMode.DETERMINISTIC) {
                throw new IllegalArgumentException("column " + target.name() + " is randomized: `cloak migrate "
                        + "rekey` is for deterministic columns; rotate a randomized column with `cloak keys rotate`"
                        + " and `cloak migrate reencrypt`");
            }
            List<String> sharing = policy.columns().stream()
                    .filter(c -> c != target && c.keyDomain().equals(target.keyDomain())).map(ColumnPolicy::name)
                    .toList();
            if (!sharing.isEmpty()) {
                throw new IllegalArgumentException("key domain " + target.keyDomain() + " of column " + target.name()
                        + " is shared with " + sharing + ": a re-key pins the key version of the whole domain, so it "
                        + "moves one column that has its key domain alone");
            }
            return super.run(out);
        }
    }

    /** {@code cloak migrate rollback TABLE.COLUMN}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {"Puts a column back as it was before `cloak migrate encrypt`, `decrypt` or `rekey`, from "
                    + "every "
                    + "state before `finish`.",
                    "After the cut-over it first copies the rows written since into the kept column, then renames "
                            + "back under the table's lock."})
    static final class RollbackCommand extends ColumnTask {

        @Override
        int run(PrintWriter out) throws Exception {
            open(null, out, false).rollback(batchSize);
            return 0;
        }
    }

    /** {@code cloak migrate finish TABLE.COLUMN --drop-plaintext | --drop-cells | --drop-old-cells}. */
    @Command(name = "finish", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {"Drops the column a cut-over kept (COLUMN_plaintext after encrypt, COLUMN_cells after "
                    + "decrypt, COLUMN_oldkey after rekey). Nothing can be rolled back afterwards: check the "
                    + "applications first."})
    static final class FinishCommand extends ColumnTask {

        @Option(names = "--drop-plaintext", description = "after encrypt: drop the kept plaintext column")
        boolean dropPlaintext;

        @Option(names = "--drop-cells", description = "after decrypt: drop the kept column of cells")
        boolean dropCells;

        @Option(names = "--drop-old-cells", description = "after rekey: drop the kept column of old-version cells and "
                + "make the new key version active")
        boolean dropOldCells;

        static String flagFor(MigrationDirection direction) {
            return switch (direction) {
                case ENCRYPT -> "--drop-plaintext";
                case DECRYPT -> "--drop-cells";
                case REKEY -> "--drop-old-cells";
            };
        }

        @Override
        int run(PrintWriter out) throws Exception {
            ShadowMigration migration = open(null, out, false);
            MigrationDirection direction = migration.current().orElseThrow().direction();
            boolean confirmed = switch (direction) {
                case ENCRYPT -> dropPlaintext;
                case DECRYPT -> dropCells;
                case REKEY -> dropOldCells;
            };
            if (!confirmed) {
                throw new CommandLine.ParameterException(spec.commandLine(), "finish drops the kept column for good: "
                        + "confirm with " + flagFor(direction));
            }
            migration.finish();
            return 0;
        }
    }

    /** {@code cloak migrate status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = "Shows every column's migration: direction, state, rows the backfill wrote, key ranges done.")
    static final class StatusCommand implements Callable<Integer> {

        private static final String ROW = "%-32s %-8s %-12s %12s %8s%n";

        @Mixin
        PolicyOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (Connection c = options.connect()) {
                List<ColumnMigration> all = MigrationStore.list(c);
                if (all.isEmpty()) {
                    out.println("No migrations.");
                } else {
                    out.printf(ROW, "COLUMN", "WAY", "STATE", "ROWS DONE", "RANGES");
                    for (ColumnMigration m : all) {
                        List<MigrationStore.KeyRange> ranges = MigrationStore.ranges(c, m.column());
                        long finished = ranges.stream().filter(MigrationStore.KeyRange::finished).count();
                        out.printf(ROW, m.column(), m.direction().storedName(), m.state().storedName(), m.rowsDone(),
                                ranges.isEmpty() ? "-" : finished + "/" + ranges.size());
                    }
                }
            }
            out.flush();
            return 0;
        }
    }

    /** The policy's column named {@code name} ({@code TABLE.COLUMN} or {@code SCHEMA.TABLE.COLUMN}), in any case. */
    static ColumnPolicy columnOf(CloakConfig policy, String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        List<ColumnPolicy> matches = policy.columns().stream()
                .filter(c -> c.name().toLowerCase(Locale.ROOT).equals(wanted)).toList();
        if (matches.size() != 1) {
            throw new IllegalArgumentException("column " + name + " is not an encrypted column of the policy");
        }
        return matches.get(0);
    }
}
