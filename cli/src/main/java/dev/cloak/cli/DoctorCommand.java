package dev.cloak.cli;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyOptions;
import dev.cloak.keyring.store.StoredKeyDomain;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cloak doctor --config FILE}: reads a policy and names what would be risky in production — a development
 * master key, TLS not required, keys created on first use, deterministic columns, no audit trail — and asks the
 * master key to encrypt and decrypt a throwaway value (not a {@code local:} development key, which opening would
 * create; not with {@code --offline}). With {@code --url}, also checks a database URL against the policy's network
 * rules ({@link NetworkReport}). Exits 0 unless a finding is an error.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        versionProvider = CloakCommand.Version.class,
        description = {"Checks a policy for production: master key, TLS, key creation, deterministic columns, audit;",
                "with --url, a database URL against the policy's network rules.",
                "Asks the master key (HSM or KMS) to encrypt and decrypt a throwaway value, unless --offline.",
                "Prints one line per finding (ERROR, WARNING or NOTE); exits 1 when a finding is an error."})
public final class DoctorCommand implements Callable<Integer> {

    /** How serious a finding is; only errors fail the command. */
    enum Severity { ERROR, WARNING, NOTE }

    /** One thing the doctor found, about one setting of the policy. */
    record Finding(Severity severity, String setting, String advice) {
    }

    private static final Set<String> KNOWN_SCHEMES = Set.of("local", "pkcs11", "aws-kms", "gcp-kms", "vault-transit");

    @Mixin
    private PolicyOptions options;

    @Option(names = "--offline", description = "review the policy only; do not ask the master key whether it answers,"
            + " nor the database (--url) what it reports")
    private boolean offline;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path config = options.config;
        CloakConfig policy = options.policy();
        List<Finding> findings = examine(policy);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Policy " + config + ": " + policy.columns().size() + " encrypted column(s)");
        if (!offline) {
            checkMasterKey(policy, findings, out);
        }
        checkKeyAges(policy, findings, out);
        if (options.hasUrl()) {
            // --url (PolicyOptions): no setting that loads code, server verification, the TLS the server reports
            findings.addAll(0, NetworkReport.examine(policy, options.url, offline, out));
        }
        for (Finding f : findings) {
            out.printf("%-7s %-22s %s%n", f.severity(), f.setting(), f.advice());
        }
        long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
        long warnings = findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
        out.println(errors + " error(s), " + warnings + " warning(s), " + (findings.size() - errors - warnings)
                + " note(s)");
        out.flush();
        return errors == 0 ? 0 : CloakCommand.EXIT_FAILURE;
    }

    /**
     * Asks the policy's master key to encrypt and decrypt a throwaway value, through its provider, within
     * {@code keyring.kms-timeout}; a failure is an error finding. Not for a {@code local:} key (opening one creates a
     * missing file) nor a scheme Cloak does not know (already an error).
     */
    private static void checkMasterKey(CloakConfig policy, List<Finding> findings, PrintWriter out) {
        String scheme = schemeOf(policy.masterKey());
        if (scheme.equals("local") || !KNOWN_SCHEMES.contains(scheme)) {
            return;
        }
        try {
            Keyring.checkMasterKey(policy.masterKey(), new MasterKeyOptions(policy.kmsTimeout()));
            out.println("Master key (" + scheme + ") answered an encrypt and a decrypt");
        } catch (KeyringException e) {
            String advice = e.kind() == KeyringException.Kind.ACCESS_DENIED
                    ? "the master key refused this check (" + e.getMessage() + "); it encrypts and decrypts, which "
                            + "needs the rights of whoever runs `cloak keys`: run it with those, or --offline"
                    : "the master key does not answer: " + e.getMessage();
            findings.add(0, new Finding(Severity.ERROR, "keyring.master-key", advice));
        }
    }

    /**
     * Warns of every key domain of the policy whose active version is older than {@code keyring.rotate-after}, read
     * from the key store (a {@code database} store only with {@code --url}); no master-key call.
     */
    private void checkKeyAges(CloakConfig policy, List<Finding> findings, PrintWriter out) {
        if (policy.rotateAfter() == null || policy.columns().isEmpty()) {
            return;
        }
        if (policy.keyStore().equals("database") && !options.hasUrl()) {
            out.println("Key ages not checked against keyring.rotate-after: the key store is the database; give --url");
            return;
        }
        List<StoredKeyDomain> stored;
        try {
            stored = options.keyStore(policy).list();
        } catch (KeyringException | RuntimeException e) {
            findings.add(new Finding(Severity.WARNING, "keyring.store", "cannot read the key store to check key "
                    + "ages: " + e.getMessage()));
            return;
        }
        RotationSchedule schedule = new RotationSchedule(policy.rotateAfter(), Instant.now());
        Set<String> domains = new TreeSet<>();
        policy.columns().forEach(c -> domains.add(c.keyDomain()));
        for (StoredKeyDomain domain : stored) {
            if (domains.contains(domain.domain()) && schedule.isDue(domain)) {
                findings.add(new Finding(Severity.WARNING, "keyring.rotate-after", "key domain " + domain.domain()
                        + ": the active version is " + schedule.age(domain) + " old, due " + schedule.dueText(domain)
                        + "; run `cloak keys rotate --due`"));
            }
        }
    }

    private static String schemeOf(String uri) {
        return uri.contains(":") ? uri.substring(0, uri.indexOf(':')).toLowerCase(Locale.ROOT) : "";
    }

    /** Every finding about {@code policy}, most serious first. */
    static List<Finding> examine(CloakConfig policy) {
        List<Finding> findings = new ArrayList<>();
        String master = policy.masterKey();
        String scheme = schemeOf(master);
        if (!KNOWN_SCHEMES.contains(scheme)) {
            findings.add(new Finding(Severity.ERROR, "keyring.master-key",
                    "the master key's scheme is not one Cloak knows (local:, pkcs11:, aws-kms://, gcp-kms://,"
                            + " vault-transit://)"));
        }
        if (master.toLowerCase(Locale.ROOT).contains("pin-value")) {
            findings.add(new Finding(Severity.ERROR, "keyring.master-key",
                    "the HSM PIN is written in the policy; use pin-source=env:NAME or pin-source=file:PATH"));
        }
        if (scheme.equals("local")) {
            findings.add(new Finding(Severity.WARNING, "keyring.master-key",
                    "local: is a development master key kept in clear on disk; use an HSM (pkcs11:) or a KMS in"
                            + " production"));
        }
        if (!policy.requireTls()) {
            findings.add(new Finding(Severity.WARNING, "network.require-tls",
                    "false: ciphertext, plaintext query parts and credentials may cross the network unencrypted"));
        } else if (!policy.verifyServer()) {
            findings.add(new Finding(Severity.WARNING, "network.verify-server",
                    "false: an encrypted session with a server nobody verified gives a man in the middle every query"));
        }
        if (!policy.allowedDriverSettings().isEmpty()) {
            findings.add(new Finding(Severity.WARNING, "network.allow-driver-settings",
                    "allows " + policy.allowedDriverSettings().stream().sorted().toList() + ": whoever can change the"
                            + " database URL can make the driver load code or read files through them"));
        }
        if (policy.autoCreateKeys()) {
            findings.add(new Finding(Severity.WARNING, "keyring.auto-create",
                    "true: the application creates missing keys; in production set it to false and run"
                            + " `cloak keys init --all`"));
        }
        if (policy.keyLedger() == null) {
            findings.add(new Finding(Severity.WARNING, "keyring.ledger",
                    "not set: a key store restored from an older backup (bringing back rotated or destroyed key "
                            + "versions) is not detected; set it to a file:PATH the database's administrators "
                            + "cannot write"));
        }
        if (policy.auditSink() == null) {
            findings.add(new Finding(Severity.WARNING, "audit.sink",
                    "no audit trail: key events (creation, rotation, access denied) are not recorded"));
        }
        for (ColumnPolicy column : policy.columns()) {
            if (column.mode() == EncryptionMode.DETERMINISTIC) {
                findings.add(new Finding(Severity.NOTE, "columns." + column.name(),
                        "deterministic: equal values have equal ciphertexts, so value frequencies show; use it only "
                                + "where lookups need it and values are many and evenly spread"));
            }
        }
        return findings;
    }
}
