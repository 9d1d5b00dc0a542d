package dev.cloak.cli;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.policy.DatabaseDomainUsage;
import dev.cloak.keyring.DomainUsage;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.KeyPurpose;
import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.KeyVersionStatus;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.VersionUsage;
import dev.cloak.keyring.store.StoredKeyDomain;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cloak keys}: key administration of a policy's key store, every change audited. Prints
 * key domains, versions (Tink key ids) and statuses; never key material.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        versionProvider = CloakCommand.Version.class,
        description = "Creates, lists, rotates, re-wraps and retires the keys of a policy's encrypted columns.",
        subcommands = {KeysCommand.Init.class, KeysCommand.ListKeys.class, KeysCommand.Rotate.class,
                KeysCommand.Rewrap.class, KeysCommand.Retire.class})
public final class KeysCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        // `cloak keys` alone does nothing: a usage error (exit 2) that lists what it can do.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** What every key subcommand opens: the policy, its store and trail, and the administration over them. */
    abstract static class KeyTask implements Callable<Integer> {

        @Mixin
        PolicyOptions options;

        @Spec
        CommandSpec spec;

        CloakConfig policy;

        @Override
        public final Integer call() throws Exception {
            policy = options.policy();
            PrintWriter out = spec.commandLine().getOut();
            try (KeyAdministration admin = KeyAdministration.open(policy.masterKey(), options.keyStore(policy),
                    PolicyOptions.auditTrail(policy), PolicyOptions.ledger(policy),
                    PolicyOptions.masterKeyOptions(policy))) {
                return run(admin, out);
            } finally {
                out.flush();
            }
        }

        abstract int run(KeyAdministration admin, PrintWriter out) throws Exception;

        /** The key domain of a column named as in the policy ({@code table.column}), or a key domain itself. */
        Map.Entry<String, KeyPurpose> domainOf(String column) {
            String wanted = column.toLowerCase(Locale.ROOT);
            for (ColumnPolicy c : policy.columns()) {
                if (c.name().toLowerCase(Locale.ROOT).equals(wanted) || c.keyDomain().equals(wanted)) {
                    return Map.entry(c.keyDomain(), purposeOf(c));
                }
            }
            throw new IllegalArgumentException("column " + column + " is not an encrypted column of policy "
                    + options.config);
        }

        static KeyPurpose purposeOf(ColumnPolicy column) {
            return column.mode() == EncryptionMode.DETERMINISTIC ? KeyPurpose.DETERMINISTIC_AEAD : KeyPurpose.AEAD;
        }
    }

    /** {@code cloak keys init COLUMN | --all}. */
    @Command(name = "init", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {"Creates the key of an encrypted column (or of every one with --all), audited.",
                    "Production policies set keyring.auto-create: false and create keys with this command.",
                    "A key is created only for columns that hold no value yet (checked through --url): a new key "
                            + "could never decrypt cells written under a key the key store has lost."})
    static final class Init extends KeyTask {

        @ArgGroup(multiplicity = "1")
        Target target;

        static final class Target {
            @Parameters(paramLabel = "COLUMN", description = "the column as the policy names it, e.g. patients.ssn")
            String column;

            @Option(names = "--all", required = true,
                    description = "every key domain of the policy; existing ones are left alone")
            boolean all;
        }

        @Override
        int run(KeyAdministration admin, PrintWriter out) throws KeyringException {
            DomainUsage usage = columnCheck();
            if (!target.all) {
                Map.Entry<String, KeyPurpose> domain = domainOf(target.column);
                created(admin.init(domain.getKey(), domain.getValue(), usage), out);
                return 0;
            }
            Map<String, KeyPurpose> domains = new LinkedHashMap<>();
            for (ColumnPolicy c : policy.columns()) {
                domains.putIfAbsent(c.keyDomain(), purposeOf(c));
            }
            for (Map.Entry<String, KeyPurpose> domain : domains.entrySet()) {
                if (admin.exists(domain.getKey())) {
                    out.println("Key domain " + domain.getKey() + " already exists: left unchanged");
                } else {
                    created(admin.init(domain.getKey(), domain.getValue(), usage), out);
                }
            }
            return 0;
        }

        /** Asks the database, as the application does before it creates a key, whether the columns hold values. */
        private DomainUsage columnCheck() {
            if (!options.hasUrl()) {
                throw new IllegalArgumentException("init creates a key only for columns that hold no value yet: give "
                        + "--url so it can check");
            }
            return new DatabaseDomainUsage(policy.columns(), options::connect);
        }

        private static void created(StoredKeyDomain domain, PrintWriter out) {
            out.println("Created key domain " + domain.domain() + " (" + domain.keyset().purpose()
                    + "), active version " + domain.primary().map(KeyVersion::idText).orElse("?"));
        }
    }

    /** {@code cloak keys list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {"Lists every key domain with its versions (Tink key ids) and their status; never key bytes.",
                    "AGE is the active version's age in days; DUE the day keyring.rotate-after makes it due for "
                            + "rotation (`cloak keys rotate --due`)."})
    static final class ListKeys extends KeyTask {

        private static final String ROW = "%-32s %-20s %-12s %-13s %-6s %-22s %s%n";

        @Override
        int run(KeyAdministration admin, PrintWriter out) throws KeyringException {
            java.util.List<StoredKeyDomain> domains = admin.list();
            if (domains.isEmpty()) {
                out.println("No key domains yet: create them with `cloak keys init --all`.");
                return 0;
            }
            RotationSchedule schedule = new RotationSchedule(policy.rotateAfter(), Instant.now());
            out.printf(ROW, "DOMAIN", "PURPOSE", "VERSION", "STATUS", "AGE", "DUE", "MASTER");
            for (StoredKeyDomain domain : domains) {
                String master = scheme(domain.keyset().masterKeyUri())
                        + (domain.keyset().masterKeyUri().equals(policy.masterKey()) ? " (policy's)" : " (other)");
                for (KeyVersion version : domain.versions()) {
                    boolean active = version.status() == KeyVersionStatus.ACTIVE;
                    out.printf(ROW, domain.domain(), domain.keyset().purpose(), version.idText(),
                            version.status().storedName(), active ? schedule.age(domain) : "",
                            active ? schedule.dueText(domain) : "", master);
                }
            }
            return 0;
        }

        /** Only the scheme: a master-key URI may name a module path or a PIN source. */
        private static String scheme(String uri) {
            int colon = uri.indexOf(':');
            return colon < 0 ? "?" : uri.substring(0, colon) + ":";
        }
    }

    /** {@code cloak keys rotate COLUMN}. */
    @Command(name = "rotate", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {"Adds a new active key version to a column's key; older versions keep decrypting.",
                    "With --due, rotates every key domain of the policy whose active version is older than "
                            + "keyring.rotate-after (run it from cron or a Kubernetes CronJob); a domain that cannot "
                            + "be rotated is reported as skipped, with the reason, and the others still rotate.",
                    "Then `cloak migrate reencrypt COLUMN` moves the rows to the new version."})
    static final class Rotate extends KeyTask {

        @ArgGroup(multiplicity = "1")
        Target target;

        static final class Target {
            @Parameters(paramLabel = "COLUMN", description = "the column as the policy names it")
            String column;

            @Option(names = "--due", required = true,
                    description = "every key domain older than the policy's keyring.rotate-after")
            boolean due;
        }

        @Override
        int run(KeyAdministration admin, PrintWriter out) throws KeyringException {
            if (!target.due) {
                rotate(admin, domainOf(target.column).getKey(), out);
                return 0;
            }
            if (policy.rotateAfter() == null) {
                throw new IllegalArgumentException("--due rotates keys older than keyring.rotate-after, which policy "
                        + options.config + " does not set (e.g. rotate-after: 90d under keyring)");
            }
            RotationSchedule schedule = new RotationSchedule(policy.rotateAfter(), Instant.now());
            java.util.Set<String> domains = new java.util.TreeSet<>();
            policy.columns().forEach(c -> domains.add(c.keyDomain()));
            java.util.List<StoredKeyDomain> storedDomains = admin.list();
            int rotated = 0;
            int skipped = 0;
            for (String domain : domains) {
                java.util.Optional<StoredKeyDomain> stored = storedDomains.stream()
                        .filter(d -> d.domain().equals(domain)).findFirst();
                if (stored.isEmpty()) {
                    out.println("Key domain " + domain + " has no key yet: create it with `cloak keys init`");
                    continue;
                }
                if (!schedule.isDue(stored.get())) {
                    out.println("Key domain " + domain + " is not due (active version " + schedule.age(stored.get())
                            + " old, due " + schedule.dueText(stored.get()) + ")");
                    continue;
                }
                try {
                    rotate(admin, domain, out);
                    rotated++;
                } catch (KeyringException | RuntimeException refused) {
                    // the same rules as a rotation by name (e.g. a deterministic column under a UNIQUE index)
                    out.println("Skipped key domain " + domain + ": " + refused.getMessage());
                    skipped++;
                }
            }
            out.println(rotated + " key domain(s) rotated, " + skipped + " skipped");
            return skipped == 0 ? 0 : CloakCommand.EXIT_FAILURE;
        }

        /** Rotates one key domain: the one path a rotation by name and a rotation of due keys take. */
        private static void rotate(KeyAdministration admin, String domain, PrintWriter out) throws KeyringException {
            KeyVersion added = admin.rotate(domain);
            out.println("Rotated key domain " + domain + ": version " + added.idText()
                    + " is active; older versions decrypt only");
        }
    }

    /** {@code cloak keys rewrap --master URI}. */
    @Command(name = "rewrap", mixinStandardHelpOptions = true, versionProvider = CloakCommand.Version.class,
            description = {"Re-wraps every keyset under a new master key without touching any cell, audited.",
                    "Any two kinds of master key: pkcs11:, aws-kms://, gcp-kms://, vault-transit://, local:.",
                    "The old key (the policy's) must decrypt and the new one encrypt and decrypt.",
                    "Then set keyring.master-key of the policy to the new URI."})
    static final class Rewrap extends KeyTask {

        @Option(names = "--master", required = true, paramLabel = "URI",
                description = "the new master key (pkcs11:…, aws-kms://…, gcp-kms://…, vault-transit://… or local:…)")
        String master;

        @Override
        int run(KeyAdministration admin, PrintWriter out) throws KeyringException {
            int rewrapped = admin.rewrap(master);
            out.println("Re-wrapped " + rewrapped + " keyset(s) under the new master key; now set"
                    + " keyring.master-key of " + options.config + " to it");
            return 0;
        }
    }

    /** {@code cloak keys retire COLUMN --version N [--destroy] [--force]}. */
    // no standard help mixin: its --version would clash with the key version option the spec names
    @Command(name = "retire",
            description = {"Makes a key version decrypt-only; with --destroy removes its key material"
                    + " (crypto-shredding).",
                    "--destroy refuses a version that stored cells still use (checked through --url) unless --force."})
    static final class Retire extends KeyTask {

        @Parameters(index = "0", paramLabel = "COLUMN", description = "the column as the policy names it")
        String column;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--version", required = true, paramLabel = "N",
                description = "the version, as `cloak keys list` shows it")
        String version;

        @Option(names = "--destroy",
                description = "destroy the key material: cells under this version become unreadable")
        boolean destroy;

        @Option(names = "--force",
                description = "with --destroy: do not check (or ignore) the cells that still use the version")
        boolean force;

        @Override
        int run(KeyAdministration admin, PrintWriter out) throws KeyringException {
            String domain = domainOf(column).getKey();
            int id;
            try {
                id = KeyVersion.parseId(version);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--version must be a key version as `cloak keys list` shows it");
            }
            if (!destroy) {
                admin.retire(domain, id);
                out.println("Version " + version.strip() + " of key domain " + domain + " is decrypt-only");
                return 0;
            }
            VersionUsage usage = force ? VersionUsage.UNCHECKED : cellScan();
            KeyVersion destroyed = admin.destroy(domain, id, usage, force);
            out.println("Destroyed version " + destroyed.idText() + " of key domain " + domain
                    + ": cells under it can no longer be decrypted");
            return 0;
        }

        private VersionUsage cellScan() {
            if (!options.hasUrl()) {
                throw new IllegalArgumentException("--destroy checks which cells still use the version: give --url "
                        + "(or --force to destroy without checking)");
            }
            return new CellScan(policy, options::connect);
        }
    }
}
