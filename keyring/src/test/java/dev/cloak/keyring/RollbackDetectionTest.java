package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import dev.cloak.keyring.store.FileGenerationLedger;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import dev.cloak.keyring.store.StoredKeyDomain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key store rolled back to an older keyset of a domain (a restored backup) is refused once a generation ledger has
 * seen a newer one, so a rotated-away or destroyed key version cannot come back through it.
 */
class RollbackDetectionTest {

    private static final byte[] PLAINTEXT = "123-45-6789".getBytes(StandardCharsets.UTF_8);
    private static final String DOMAIN = "patients.name";

    @TempDir
    Path dir;

    private Path keys() {
        return dir.resolve("keys.json");
    }

    private String master() {
        return "local:file:" + dir.resolve("master.json");
    }

    private GenerationLedger ledger() {
        return new FileGenerationLedger(dir.resolve("ledger.json"));
    }

    private KeyAdministration admin(GenerationLedger ledger) throws KeyringException {
        return KeyAdministration.open(master(), new FileKeyStore(keys()), AuditTrail.NONE, ledger);
    }

    /** A fresh keyring (an application starting, or one whose cache expired) over the key file. */
    private Keyring keyring(GenerationLedger ledger) throws KeyringException {
        return Keyring.open(new KeyringSettings(master(), java.time.Duration.ofMinutes(15), 100, false),
                new FileKeyStore(keys()), AuditTrail.NONE, DomainUsage.UNCHECKED, ledger);
    }

    private Path backup(String name) throws Exception {
        return Files.copy(keys(), dir.resolve(name));
    }

    private void restore(Path backup) throws Exception {
        Files.copy(backup, keys(), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aKeyStoreRestoredFromABackupTakenBeforeARotationIsRefused() throws Exception {
        admin(ledger()).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);
        Path beforeRotation = backup("before-rotation.json");
        admin(ledger()).rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        try (Keyring keyring = keyring(ledger())) {
            keyring.aead(DOMAIN);
        }

        restore(beforeRotation);

        try (Keyring keyring = keyring(ledger())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead(DOMAIN));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ROLLED_BACK);
            assertThat(e.getMessage()).contains("generation 1 of key domain " + DOMAIN)
                    .contains("older than generation 2").contains(keys().toString())
                    .contains(dir.resolve("ledger.json").toString());
        }
    }

    @Test
    void aDestroyedVersionDoesNotComeBackFromABackup() throws Exception {
        KeyVersion first = admin(ledger()).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED).primary()
                .orElseThrow();
        byte[] oldCell;
        try (Keyring keyring = keyring(ledger())) {
            oldCell = keyring.aead(DOMAIN).encrypt(PLAINTEXT, Fixtures.AD);
        }
        admin(ledger()).rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        Path beforeDestroy = backup("before-destroy.json");
        admin(ledger()).destroy(DOMAIN, first.id(), VersionUsage.UNCHECKED, true);

        restore(beforeDestroy);

        try (Keyring keyring = keyring(ledger())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead(DOMAIN));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ROLLED_BACK);
        }
        KeyringException rotate = catchThrowableOfType(KeyringException.class,
                () -> admin(ledger()).rotate(DOMAIN, UniqueConstraints.UNCHECKED));
        assertThat(rotate.kind()).isEqualTo(KeyringException.Kind.ROLLED_BACK);
        assertThat(oldCell).isNotEmpty();
    }

    @Test
    void withoutALedgerARestoredBackupBringsTheDestroyedVersionBack() throws Exception {
        KeyVersion first = admin(GenerationLedger.NONE).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED)
                .primary().orElseThrow();
        byte[] oldCell;
        try (Keyring keyring = keyring(GenerationLedger.NONE)) {
            oldCell = keyring.aead(DOMAIN).encrypt(PLAINTEXT, Fixtures.AD);
        }
        admin(GenerationLedger.NONE).rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        Path beforeDestroy = backup("before-destroy.json");
        admin(GenerationLedger.NONE).destroy(DOMAIN, first.id(), VersionUsage.UNCHECKED, true);

        restore(beforeDestroy);

        // the limit the README states: detection needs keyring.ledger
        try (Keyring keyring = keyring(GenerationLedger.NONE)) {
            assertThat(keyring.aead(DOMAIN).decrypt(oldCell, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void aDomainTheLedgerRecordedIsNotCreatedAgainWhenTheStoreLosesIt() throws Exception {
        GenerationLedger ledger = ledger();
        KeyringSettings autoCreating = new KeyringSettings(master(), java.time.Duration.ofMinutes(15), 100, true);
        try (Keyring keyring = Keyring.open(autoCreating, new FileKeyStore(keys()), AuditTrail.NONE,
                DomainUsage.UNCHECKED, ledger)) {
            keyring.aead(DOMAIN);
        }

        Files.delete(keys());

        try (Keyring keyring = Keyring.open(autoCreating, new FileKeyStore(keys()), AuditTrail.NONE,
                DomainUsage.UNCHECKED, ledger)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead(DOMAIN));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ROLLED_BACK);
            assertThat(e.getMessage()).contains("has no keyset of key domain " + DOMAIN)
                    .contains("recorded its generation 1");
        }
        assertThat(keys()).doesNotExist();
    }

    @Test
    void aKeysetRelabelledWithANewerGenerationDoesNotUnwrapAndLeavesTheLedgerAlone() throws Exception {
        admin(ledger()).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);
        Files.writeString(keys(), Files.readString(keys()).replace("\"generation\":1", "\"generation\":9"));

        try (Keyring keyring = keyring(ledger())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead(DOMAIN));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
        }
        assertThat(ledger().seen(DOMAIN)).get().extracting(GenerationLedger.Entry::generation).isEqualTo(1L);
    }

    @Test
    void anotherKeysetUnderTheSameGenerationIsRefused() throws Exception {
        admin(ledger()).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);
        Path elsewhere = dir.resolve("elsewhere");
        Files.createDirectories(elsewhere);
        KeyAdministration.open(master(), new FileKeyStore(elsewhere.resolve("keys.json")), AuditTrail.NONE,
                GenerationLedger.NONE).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);

        restore(elsewhere.resolve("keys.json"));

        try (Keyring keyring = keyring(ledger())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead(DOMAIN));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ROLLED_BACK);
            assertThat(e.getMessage()).contains("another keyset of key domain " + DOMAIN + " under generation 1");
        }
    }

    @Test
    void aKeysetStoredBeforeGenerationsIsAcceptedAsGenerationZeroOnceAndRefusedOnceTheDomainMovedOn()
            throws Exception {
        writeLegacyStore();
        byte[] cell;
        try (Keyring keyring = keyring(ledger())) {
            cell = keyring.aead(DOMAIN).encrypt(PLAINTEXT, Fixtures.AD);
        }
        assertThat(ledger().seen(DOMAIN)).get().extracting(GenerationLedger.Entry::generation).isEqualTo(0L);
        Path legacy = backup("legacy.json");

        admin(ledger()).rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        try (Keyring keyring = keyring(ledger())) {
            assertThat(keyring.aead(DOMAIN).decrypt(cell, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
        assertThat(new FileKeyStore(keys()).read(DOMAIN)).get().extracting(WrappedKeyset::generation).isEqualTo(1L);
        restore(legacy);

        try (Keyring keyring = keyring(ledger())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead(DOMAIN));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ROLLED_BACK);
        }
    }

    /** A key file as Cloak wrote it before generations were kept: no generation, the wrap bound without one. */
    private void writeLegacyStore() throws Exception {
        KeyPurpose.ensureRegistered();
        Aead masterAead = new LocalMasterKeyProvider().open(master());
        WrappedKeyset legacy = WrappedKeyset.wrap(KeysetHandle.generateNew(KeyPurpose.AEAD.template()), DOMAIN,
                KeyPurpose.AEAD, new MasterKey(master(), masterAead), 0);
        new FileKeyStore(keys()).create(new StoredKeyDomain(legacy, List.of()));
        Files.writeString(keys(), Files.readString(keys()).replace(",\"generation\":0", ""));
        assertThat(Files.readString(keys())).doesNotContain("generation");
    }

    @Test
    void legacyAssociatedDataIsWhatCloakWroteBeforeGenerations() throws GeneralSecurityException {
        assertThat(new String(KeyPurpose.AEAD.associatedData(DOMAIN, 0), StandardCharsets.UTF_8))
                .isEqualTo("cloak/keyset/v1/patients.name/aead");
        assertThat(new String(KeyPurpose.AEAD.associatedData(DOMAIN, 7), StandardCharsets.UTF_8))
                .isEqualTo("cloak/keyset/v2/patients.name/aead/7");
    }
}
