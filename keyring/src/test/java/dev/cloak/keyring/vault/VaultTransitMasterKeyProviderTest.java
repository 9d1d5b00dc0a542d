package dev.cloak.keyring.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyProvider;
import dev.cloak.keyring.RemoteMasterKeyContract;
import dev.cloak.keyring.WrappedKeyset;
import dev.cloak.keyring.kmsdouble.Fault;
import dev.cloak.keyring.kmsdouble.KmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDoubles;
import dev.cloak.keyring.kmsdouble.VaultDouble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
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

    /** The application's policy grants decrypt only: the derivation probe, which encrypts, is the wrap's alone. */
    @Test
    void aDerivedKeyUnwrapsWithATokenThatMayOnlyDecrypt() throws Exception {
        vault().createKey("", "transit", "derived-decrypt-only", true);
        uri = uri.replaceFirst("/keys/[^?]+", "/keys/derived-decrypt-only") + "&derived=true";
        MemoryKeyStore store = storeWithKeys();
        allowDecryptOnly();

        try (Keyring keyring = open(store)) {
            assertThat(keyring.aead("patients.name")).isNotNull();
            assertThat(keyring.deterministicAead("patients.ssn")).isNotNull();
        }
        assertThat(kms().calls()).extracting(KmsDouble.Call::operation).containsOnly("decrypt");
        assertThat(kms().calls()).extracting(KmsDouble.Call::status).containsOnly(200);
    }

    @Test
    void aTokenFileWithAByteOrderMarkAndSurroundingWhiteSpaceIsReadAsVaultsCliReadsIt() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        String token = vault().issueToken(Duration.ZERO, false, "encrypt", "decrypt");
        Files.writeString(KmsDoubles.vaultTokenFile(), "\uFEFF " + token + " \r\n\n");

        try (Keyring keyring = open(store)) {
            assertThat(keyring.aead("patients.name")).isNotNull();
        }
    }

    @Test
    void aTokenThatNoHeaderMayCarryIsAConfigurationErrorNamingItsSourceNotItsValue() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        // two tokens pasted on two lines: the JDK would refuse the header, quoting it
        Files.writeString(KmsDoubles.vaultTokenFile(), "hvs.First-Secret-Token\nhvs.Second-Secret-Token\n");

        try (Keyring keyring = open(store)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
            assertThat(e.getMessage()).contains("token-source file:" + KmsDoubles.vaultTokenFile())
                    .doesNotContain("Secret-Token");
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                assertThat(cause.toString()).doesNotContain("Secret-Token");
            }
        }
        assertThat(kms().operations()).isZero();
    }

    @Test
    void aRenewableTokenIsStillRenewedWhenItsFirstLookupsFailed() throws Exception {
        String token = vault().issueToken(Duration.ofSeconds(3), true, "encrypt", "decrypt");
        KmsDoubles.writeVaultToken(token);
        vault().failNextLookups(2);
        int lookups = vault().lookups();
        int renewals = vault().renewals();
        VaultTransitUri parsed = VaultTransitUri.parse(uri);

        try (VaultToken vaultToken = new VaultToken(parsed, new VaultHttp(parsed, TIMEOUT), TIMEOUT,
                Duration.ofMillis(100))) {
            assertThat(vaultToken.current(TIMEOUT)).isEqualTo(token);

            assertThat(awaited(() -> vault().renewals() > renewals, Duration.ofSeconds(5))).isTrue();
        }
        assertThat(vault().lookups() - lookups).isEqualTo(3);
    }

    @Test
    void aTokenOfTheNamespaceThatBeginsTheMountPathIsLookedUpAndRenewedThere() throws Exception {
        vault().createKey("team-a/payments", "transit", "ns-path-key", false);
        String token = vault().issueToken("team-a/payments", Duration.ofSeconds(3), true, "encrypt", "decrypt");
        KmsDoubles.writeVaultToken(token);
        uri = uri.replaceFirst("/transit/keys/[^?]+", "/team-a/payments/transit/keys/ns-path-key");
        int renewals = vault().renewals();

        try (Keyring keyring = open(new MemoryKeyStore())) {
            keyring.aead("patients.name");

            assertThat(awaited(() -> vault().renewals() > renewals, Duration.ofSeconds(5))).isTrue();
            assertThat(keyring.deterministicAead("patients.ssn")).isNotNull();
        }
    }

    @Test
    void aRefusedAppRoleLoginKeepsItsStatusAndNeverQuotesTheRoleOrSecretId() throws Exception {
        vault().role("cloak-app-echo", "the-right-secret-id", Duration.ofMinutes(10), "encrypt", "decrypt");
        vault().echoLogins(true);
        Path dir = Files.createTempDirectory("approle");
        Files.writeString(dir.resolve("role-id"), "cloak-app-echo");
        Files.writeString(dir.resolve("secret-id"), "a-secret-id-vault-does-not-know");
        uri = uri.replaceFirst("token-source=[^&]+", "role-id-source=file:" + dir.resolve("role-id")
                + "&secret-id-source=file:" + dir.resolve("secret-id"));

        try (Keyring keyring = open(new MemoryKeyStore())) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
            assertThat(e.getMessage()).contains("HTTP 400").contains("left out")
                    .doesNotContain("vault-does-not-know").doesNotContain("cloak-app-echo");
        }
    }

    @Test
    void aThrottledCallWaitsAsLongAsVaultsRetryAfterAsks() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        vault().retryAfter(Duration.ofSeconds(1));
        kms().failNext(Fault.THROTTLE, 1);

        try (Keyring keyring = open(store)) {
            long start = System.nanoTime();
            assertThat(keyring.aead("patients.name")).isNotNull();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        assertThat(kms().operations()).isEqualTo(2);
    }

    @Test
    void aRetryAfterLongerThanTheTimeoutFailsTheCallAtOnce() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        vault().retryAfter(TIMEOUT.multipliedBy(3));
        kms().failAlways(Fault.THROTTLE);

        try (Keyring keyring = open(store)) {
            long start = System.nanoTime();
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("Retry-After");
        }
        assertThat(kms().operations()).isEqualTo(1);
    }

    private static boolean awaited(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
