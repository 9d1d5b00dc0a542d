package dev.cloak.benchmarks;

import dev.cloak.keyring.DomainUsage;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringSettings;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** A keyring with a development master key and a file key store in a temporary directory. */
final class LocalKeyring implements AutoCloseable {

    private final Path dir;
    private final Keyring keyring;

    private LocalKeyring(Path dir, Keyring keyring) {
        this.dir = dir;
        this.keyring = keyring;
    }

    static LocalKeyring open() throws Exception {
        Path dir = Files.createTempDirectory("cloak-bench-keys-");
        // a fresh store whose domains no table holds data for: nothing to check before creating keys
        Keyring keyring = Keyring.open(new KeyringSettings("local:file:" + dir.resolve("master.json"),
                Duration.ofMinutes(15), 10_000, true), new FileKeyStore(dir.resolve("keys.json")), AuditTrail.NONE,
                DomainUsage.UNCHECKED, GenerationLedger.NONE);
        return new LocalKeyring(dir, keyring);
    }

    Keyring keyring() {
        return keyring;
    }

    @Override
    public void close() throws Exception {
        keyring.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }
}
