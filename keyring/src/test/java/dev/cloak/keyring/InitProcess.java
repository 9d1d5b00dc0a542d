package dev.cloak.keyring;

import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import dev.cloak.keyring.store.DatabaseKeyStore;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.KeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;

/**
 * A separate process for the concurrent-init test: waits until the file {@code args[3]} exists, then runs
 * {@code init} of key domain {@code args[2]} on the store {@code args[0]} ({@code file:PATH} or a JDBC URL)
 * under master key {@code args[1]}; prints {@code created} or {@code exists}.
 */
public final class InitProcess {

    private InitProcess() {
    }

    /** Exits non-zero on any failure other than finding the domain already created. */
    public static void main(String[] args) throws Exception {
        KeyStore store = args[0].startsWith("file:")
                ? new FileKeyStore(Path.of(args[0].substring("file:".length())))
                : new DatabaseKeyStore(() -> DriverManager.getConnection(args[0]));
        KeyAdministration admin = Fixtures.administration(args[1], store, AuditTrail.NONE, List.of(new LocalMasterKeyProvider()));
        Path go = Path.of(args[3]);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(go) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        try {
            admin.init(args[2], KeyPurpose.DETERMINISTIC_AEAD, DomainUsage.UNCHECKED);
            System.out.println("created");
        } catch (KeyringException e) {
            if (!e.getMessage().contains("already exists")) {
                throw e;
            }
            System.out.println("exists");
        }
    }
}
