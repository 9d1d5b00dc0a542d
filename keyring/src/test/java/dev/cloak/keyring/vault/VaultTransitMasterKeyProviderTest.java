package dev.cloak.keyring.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyProvider;
import dev.cloak.keyring.RemoteMasterKeyContract;
import dev.cloak.keyring.WrappedKeyset;
import dev.cloak.keyring.kmsdouble.KmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDoubles;
import dev.cloak.keyring.kmsdouble.VaultDouble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code vault-transit://} through the JDK's HTTP client against the Vault double. */
class VaultTransitMasterKeyProviderTest extends RemoteMasterKeyContract {

    @Override
    protected KmsDouble kms() {
        return KmsDoubles.vault();
    }

    @Override
    protected String newKey(String name) {
        return KmsDoubles.vaultKey(name);
    }

    @Override
    protected MasterKeyProvider provider() {
        return new VaultTransitMasterKeyProvider();
    }

    @Override
    protected void allowDecryptOnly() {
        KmsDoubles.writeVaultToken(KmsDoubles.vault().issueToken(Duration.ZERO, false, "decrypt"));
    }

    private VaultDouble vault() {
        return KmsDoubles.vault();
    }

    @Test
    void everyCallCarriesTheBindingAsAssociatedData() throws Exception {
        try (Keyring keyring = open(new MemoryKeyStore())) {
            keyring.aead("patients.name");
        }

        assertThat(kms().calls()).extracting(KmsDouble.Call::binding)
                .containsOnly("cloak/keyset/v2/patients.name/aead/1");
    }

    @Test
    void aVaultThatIgnoresAssociatedDataIsRefusedRatherThanLeftUnbound() throws Exception {
        vault().beforeAssociatedData(true);
        try (Keyring keyring = open(new MemoryKeyStore())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
            assertThat(e.getMessage()).contains("Vault 1.13").contains("derived=true");
        } finally {
            vault().beforeAssociatedData(false);
        }
    }

    @Test
    void aDerivedKeyIsBoundByContextAndRefusesAnotherDomain() throws Exception {
        vault().createKey("", "transit", "derived-key", true);
        uri = uri.replaceFirst("/keys/[^?]+", "/keys/derived-key") + "&derived=true";
        MemoryKeyStore store = storeWithKeys();
        store.keysets.put("visits.ssn", moved(store, "patients.ssn", "visits.ssn"));

        try (Keyring keyring = open(store)) {
            assertThat(keyring.deterministicAead("patients.ssn")).isNotNull();
            KeyringException e = catchThrowableOfType(KeyringException.class,
                    () -> keyring.deterministicAead("visits.ssn"));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
        }
    }

    @Test
    void derivedTrueOnAKeyThatIsNotDerivedIsRefusedRatherThanLeftUnbound() throws Exception {
        // Vault ignores context for a key that is not derived: every domain could unwrap every other's keyset
        vault().createKey("", "transit", "plain-key", false);
        uri = uri.replaceFirst("/keys/[^?]+", "/keys/plain-key") + "&derived=true";

        try (Keyring keyring = open(new MemoryKeyStore())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
            assertThat(e.getMessage()).contains("is not a derived key").contains("drop derived=true");
        }
    }

    @Test
    void aKeyInANamespaceIsReachedWithTheNamespaceHeader() throws Exception {
        vault().createKey("team-a/payments", "transit", "ns-key", false);
        String plain = uri.replaceFirst("/keys/[^?]+", "/keys/ns-key");
        uri = plain + "&namespace=team-a/payments";

        try (Keyring keyring = open(new MemoryKeyStore())) {
            assertThat(keyring.aead("patients.name")).isNotNull();
        }
        uri = plain;
        try (Keyring keyring = open(new MemoryKeyStore())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));
            assertThat(e.getMessage()).contains("encryption key not found");
        }
    }

    @Test
    void aTokenRewrittenInItsFileIsPickedUpAtTheNextCall() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        String first = vault().issueToken(Duration.ZERO, false, "encrypt", "decrypt");
        KmsDoubles.writeVaultToken(first);
        try (Keyring keyring = open(store)) {
            keyring.aead("patients.name");
            vault().expire(first);
            KmsDoubles.writeVaultToken(vault().issueToken(Duration.ZERO, false, "encrypt", "decrypt"));

            assertThat(keyring.deterministicAead("patients.ssn")).isNotNull();
        }
    }

    @Test
    void aRenewableTokenIsRenewedBeforeItExpires() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        String token = vault().issueToken(Duration.ofSeconds(3), true, "encrypt", "decrypt");
        KmsDoubles.writeVaultToken(token);
        int renewals = vault().renewals();
        try (Keyring keyring = open(store)) {
            keyring.aead("patients.name");
            Thread.sleep(4_500);

            assertThat(vault().renewals()).isGreaterThan(renewals);
            assertThat(keyring.deterministicAead("patients.ssn")).isNotNull();
        }
    }

    @Test
    void appRoleLogsInAndLogsInAgainWhenItsTokenExpired() throws Exception {
        vault().role("cloak-app", "s3cret-id", Duration.ofMinutes(10), "encrypt", "decrypt");
        Path dir = Files.createTempDirectory("approle");
        Files.writeString(dir.resolve("role-id"), "cloak-app\n");
        Files.writeString(dir.resolve("secret-id"), "s3cret-id\n");
        uri = uri.replaceFirst("token-source=[^&]+", "role-id-source=file:" + dir.resolve("role-id")
                + "&secret-id-source=file:" + dir.resolve("secret-id"));
        int logins = vault().logins();
        MemoryKeyStore store = new MemoryKeyStore();

        try (Keyring keyring = open(store)) {
            keyring.aead("patients.name");
            assertThat(vault().logins()).isEqualTo(logins + 1);
            vault().expireLoginTokens();
            keyring.deterministicAead("patients.ssn");
        }
        assertThat(vault().logins()).isEqualTo(logins + 2);
    }

    @Test
    void aWrongAppRoleSecretIsAccessDenied() throws Exception {
        vault().role("cloak-app-2", "right", Duration.ofMinutes(10), "encrypt", "decrypt");
        Path dir = Files.createTempDirectory("approle");
        Files.writeString(dir.resolve("role-id"), "cloak-app-2");
        Files.writeString(dir.resolve("secret-id"), "wrong");
        uri = uri.replaceFirst("token-source=[^&]+", "role-id-source=file:" + dir.resolve("role-id")
                + "&secret-id-source=file:" + dir.resolve("secret-id"));

        try (Keyring keyring = open(new MemoryKeyStore())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
            assertThat(e.getMessage()).doesNotContain("wrong");
        }
    }

    private static WrappedKeyset moved(MemoryKeyStore store, String from, String to) {
        WrappedKeyset keyset = store.keysets.get(from);
        return new WrappedKeyset(to, keyset.purpose(), keyset.ciphertext(), keyset.masterKeyUri(),
                keyset.generation());
    }
}
