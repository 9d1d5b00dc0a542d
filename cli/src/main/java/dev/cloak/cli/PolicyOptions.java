package dev.cloak.cli;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PolicyException;
import dev.cloak.driver.config.PolicyFile;
import dev.cloak.keyring.MasterKeyOptions;
import dev.cloak.keyring.audit.AuditException;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.audit.FileAuditTrail;
import dev.cloak.keyring.store.DatabaseKeyStore;
import dev.cloak.keyring.store.FileGenerationLedger;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import dev.cloak.keyring.store.KeyStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import picocli.CommandLine.Option;

/** The {@code --config} and {@code --url} options every key command shares, and what they open. */
final class PolicyOptions {

    private static final String CLOAK_PREFIX = "jdbc:cloak:";

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the Cloak policy file (YAML)")
    Path config;

    @Option(names = "--url", paramLabel = "JDBC_URL",
            description = "the database (jdbc:… or jdbc:cloak:…): needed when keyring.store is 'database' and to check "
                    + "which cells use a key version")
    String url;

    /** Loads the policy named by {@code --config}. */
    CloakConfig policy() throws PolicyException {
        return PolicyFile.load(config.toString());
    }

    /** The key store the policy names; a {@code database} store needs {@code --url}. */
    KeyStore keyStore(CloakConfig policy) {
        String store = policy.keyStore();
        if (store.startsWith("file:")) {
            return new FileKeyStore(Path.of(store.substring("file:".length())));
        }
        if (!store.equals("database")) {
            throw new IllegalArgumentException("keyring.store must be 'database' or 'file:PATH'");
        }
        requireUrl("keyring.store is 'database'");
        return new DatabaseKeyStore(this::connect);
    }

    /** The generation ledger of the policy's {@code keyring.ledger}, or {@link GenerationLedger#NONE}. */
    static GenerationLedger ledger(CloakConfig policy) {
        String ledger = policy.keyLedger();
        return ledger == null ? GenerationLedger.NONE
                : new FileGenerationLedger(Path.of(ledger.substring("file:".length())));
    }

    /** What the policy tells its master key's provider: {@code keyring.kms-timeout}. */
    static MasterKeyOptions masterKeyOptions(CloakConfig policy) {
        return new MasterKeyOptions(policy.kmsTimeout());
    }

    /** The audit trail of the policy's {@code audit.sink}, or {@link AuditTrail#NONE}. */
    static AuditTrail auditTrail(CloakConfig policy) throws AuditException {
        return policy.auditSink() == null ? AuditTrail.NONE : FileAuditTrail.forSink(policy.auditSink());
    }

    /** A raw (not encrypting) connection to {@code --url}: key administration must see the stored bytes. */
    Connection connect() throws SQLException {
        requireUrl("a database is needed");
        String raw = url.regionMatches(true, 0, CLOAK_PREFIX, 0, CLOAK_PREFIX.length())
                ? "jdbc:" + url.substring(CLOAK_PREFIX.length())
                : url;
        return DriverManager.getConnection(raw);
    }

    boolean hasUrl() {
        return url != null && !url.isBlank();
    }

    private void requireUrl(String why) {
        if (!hasUrl()) {
            throw new IllegalArgumentException(why + ": give --url JDBC_URL");
        }
    }
}
