package dev.cloak.keyring.pkcs11;

import dev.cloak.keyring.UniqueConstraints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import dev.cloak.keyring.DomainUsage;
import dev.cloak.keyring.Fixtures;
import dev.cloak.keyring.Fixtures.ManualTicker;
import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.KeyPurpose;
import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KeyringSettings;
import dev.cloak.keyring.VersionUsage;
import dev.cloak.keyring.WrappedKeyset;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import dev.cloak.keyring.store.KeyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code pkcs11:} master key against a real SoftHSM2 token. Runs against the token named by
 * {@code SOFTHSM2_CONF} and {@code CLOAK_TEST_PKCS11_MODULE} (as {@code .ci/run} exports them); without
 * them it is skipped here. {@link Pkcs11ChildJvmTest} also makes its own token with
 * {@code .ci/softhsm-token.sh} and runs this class in a child JVM that can read token labels (SoftHSM
 * reads its configuration from the environment, which a running JVM cannot change), or skips with one
 * loud line when SoftHSM2 is not installed.
 */
class Pkcs11MasterKeyProviderTest {

    private static final byte[] PLAINTEXT = "123-45-6789".getBytes(StandardCharsets.UTF_8);
    private static final String PIN_ENV = "CLOAK_HSM_PIN";

    @TempDir
    Path dir;

    @BeforeAll
    static void requireSoftHsm() {
        // without a configured token, Pkcs11ChildJvmTest runs this class in a child JVM or says loudly why not
        Assumptions.assumeTrue(tokenConfigured(), "no SoftHSM2 token configured in this JVM's environment");
    }

    private static String module() {
        return System.getenv("CLOAK_TEST_PKCS11_MODULE");
    }

    private static String uri(String object) {
        return uri(object, module(), "env:" + PIN_ENV);
    }

    private static String uri(String object, String module, String pinSource) {
        return "pkcs11:token=cloak;object=" + object + "?module-path=" + module + "&pin-source=" + pinSource;
    }

    private static KeyringSettings settings(String uri) {
        return new KeyringSettings(uri, Duration.ofMinutes(1), 100, true);
    }

    @Test
    void aKeyringWithAnHsmMasterKeyCreatesStoresAndUnwrapsKeysetsOfBothPurposes() throws Exception {
        KeyStore store = new FileKeyStore(dir.resolve("keys.json"));
        byte[] randomized;
        byte[] deterministic;
        try (Keyring keyring = Fixtures.open(settings(uri("master")), store)) {
            randomized = keyring.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
            deterministic = keyring.deterministicAead("patients.ssn").encryptDeterministically(PLAINTEXT, Fixtures.AD);
        }

        assertThat(store.read("patients.name")).get().extracting(WrappedKeyset::masterKeyUri).isEqualTo(uri("master"));
        try (Keyring second = Fixtures.open(settings(uri("master")), new FileKeyStore(dir.resolve("keys.json")))) {
            assertThat(second.aead("patients.name").decrypt(randomized, Fixtures.AD)).isEqualTo(PLAINTEXT);
            DeterministicAead daead = second.deterministicAead("patients.ssn");
            assertThat(daead.decryptDeterministically(deterministic, Fixtures.AD)).isEqualTo(PLAINTEXT);
            assertThat(daead.encryptDeterministically(PLAINTEXT, Fixtures.AD)).isEqualTo(deterministic);
        }
    }

    @Test
    void keyAdministrationInitsRotatesRewrapsToASecondHsmKeyRetiresAndDestroys() throws Exception {
        KeyStore store = new FileKeyStore(dir.resolve("keys.json"));
        KeyAdministration admin = KeyAdministration.open(uri("master"), store, AuditTrail.NONE, GenerationLedger.NONE);
        KeyVersion first = admin.init("patients.name", KeyPurpose.AEAD, DomainUsage.UNCHECKED).primary().orElseThrow();
        byte[] oldCell;
        try (Keyring keyring = Fixtures.open(settings(uri("master")), store)) {
            oldCell = keyring.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
        }
        admin.rotate("patients.name", UniqueConstraints.UNCHECKED);

        assertThat(admin.rewrap(uri("master2"))).isEqualTo(1);

        assertThat(store.read("patients.name")).get().extracting(WrappedKeyset::masterKeyUri).isEqualTo(uri("master2"));
        KeyAdministration moved = KeyAdministration.open(uri("master2"), store, AuditTrail.NONE,
                GenerationLedger.NONE);
        byte[] newCell;
        try (Keyring keyring = Fixtures.open(settings(uri("master2")), store)) {
            assertThat(keyring.aead("patients.name").decrypt(oldCell, Fixtures.AD)).isEqualTo(PLAINTEXT);
            newCell = keyring.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
        }
        moved.retire("patients.name", first.id());
        moved.destroy("patients.name", first.id(), VersionUsage.UNCHECKED, true);
        try (Keyring keyring = Fixtures.open(settings(uri("master2")), store)) {
            Aead aead = keyring.aead("patients.name");
            assertThat(catchThrowableOfType(java.security.GeneralSecurityException.class,
                    () -> aead.decrypt(oldCell, Fixtures.AD))).isNotNull();
            assertThat(aead.decrypt(newCell, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void theMasterKeyWrapsWithAFreshIvAndAuthenticatesItsAssociatedData() throws Exception {
        Aead master = new Pkcs11MasterKeyProvider().open(uri("master"));
        byte[] ad = "cloak/keyset/v1/patients.ssn/aead".getBytes(StandardCharsets.UTF_8);

        byte[] wrapped = master.encrypt(PLAINTEXT, ad);

        assertThat(wrapped).hasSize(12 + PLAINTEXT.length + 16).isNotEqualTo(master.encrypt(PLAINTEXT, ad));
        assertThat(master.decrypt(wrapped, ad)).isEqualTo(PLAINTEXT);
        assertThat(catchThrowableOfType(java.security.GeneralSecurityException.class,
                () -> master.decrypt(wrapped, "cloak/keyset/v1/other/aead".getBytes(StandardCharsets.UTF_8))))
                .isNotNull();
    }

    @Test
    void theMasterKeyCannotBeExtractedFromTheToken() throws Exception {
        SecretKey key = new Pkcs11MasterKeyProvider().openKey(uri("master")).keyHandle();

        assertThat(key.getEncoded()).isNull();
        assertThat(key.getFormat()).isNull();
        assertThat(key.toString()).contains("sensitive").contains("unextractable");
    }

    @Test
    void aWrongPinFailsClearlyWithoutShowingThePin() throws Exception {
        Path pinFile = dir.resolve("wrong-pin");
        Files.writeString(pinFile, "98765\n");

        KeyringException e = catchThrowableOfType(KeyringException.class, () -> Fixtures.open(
                settings(uri("master", module(), "file:" + pinFile)), new MemoryKeyStore()));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
        assertThat(e.getMessage()).contains("rejected the PIN").contains("file:" + pinFile).doesNotContain("98765");
    }

    @Test
    void aWrongPinIsRejectedEvenAfterTheTokenWasLoggedInWithTheRightOne() throws Exception {
        Fixtures.open(settings(uri("master")), new MemoryKeyStore()).close();
        Path pinFile = dir.resolve("wrong-pin");
        Files.writeString(pinFile, "1111");

        KeyringException e = catchThrowableOfType(KeyringException.class, () -> Fixtures.open(
                settings(uri("master", module(), "file:" + pinFile)), new MemoryKeyStore()));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
        assertThat(e.getMessage()).contains("rejected the PIN").doesNotContain("1111");
    }

    @Test
    void anUnknownTokenFailsNamingTheTokenWhereLabelsCanBeRead() {
        Assumptions.assumeTrue(Pkcs11TokenLabels.available(), "token labels are readable only with --add-exports");

        KeyringException e = catchThrowableOfType(KeyringException.class, () -> Fixtures.open(
                settings(uri("master").replace("token=cloak", "token=elsewhere")), new MemoryKeyStore()));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains("'elsewhere'").contains("unknown token");
    }

    @Test
    void anUnknownKeyObjectFailsNamingTheObject() {
        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> Fixtures.open(settings(uri("no-such-key")), new MemoryKeyStore()));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains("'no-such-key'");
    }

    @Test
    void aMissingModuleFailsAsUnavailableNamingTheModule() {
        KeyringException e = catchThrowableOfType(KeyringException.class, () -> Fixtures.open(
                settings(uri("master", dir.resolve("libnothing.so").toString(), "env:" + PIN_ENV)),
                new MemoryKeyStore()));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("libnothing.so").contains("not found");
    }

    @Test
    void aKeysetWrappedUnderOneHsmKeyDoesNotUnwrapUnderAnother() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring keyring = Fixtures.open(settings(uri("master")), store)) {
            keyring.aead("patients.name");
        }

        try (Keyring other = Fixtures.open(settings(uri("master2")), store)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> other.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
            assertThat(e.getMessage()).contains("patients.name").contains("does not unwrap");
        }
    }

    @Test
    void aWarmCacheOutlivesAnHsmOutageUntilItsTtlAndTheSameKeyringRecoversAfterwards() throws Exception {
        Path client = Files.createDirectories(dir.resolve("hsm-client")).resolve("libsofthsm2.so");
        Files.createSymbolicLink(client, Path.of(module()));
        ManualTicker ticker = new ManualTicker();
        KeyringSettings settings = settings(uri("master", client.toString(), "env:" + PIN_ENV));
        Keyring keyring = Fixtures.open(settings, new MemoryKeyStore(),
                List.of(new Pkcs11MasterKeyProvider(new Pkcs11Tokens())), ticker);
        byte[] ciphertext = keyring.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);

        Files.delete(client);
        ticker.advance(Duration.ofSeconds(59));
        assertThat(keyring.aead("patients.name").decrypt(ciphertext, Fixtures.AD)).isEqualTo(PLAINTEXT);

        ticker.advance(Duration.ofSeconds(2));
        KeyringException outage = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));
        assertThat(outage.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(outage.getMessage()).contains("patients.name");

        Files.createSymbolicLink(client, Path.of(module()));
        assertThat(keyring.aead("patients.name").decrypt(ciphertext, Fixtures.AD)).isEqualTo(PLAINTEXT);
        keyring.close();
        Files.delete(client);
    }

    @Test
    void aFailingTokenIsReportedAsAnOutageAndTheNextCallLooksTheKeyUpAgain() throws Exception {
        Pkcs11Tokens tokens = new Pkcs11Tokens();
        Pkcs11Uri parsed = Pkcs11Uri.parse(uri("master"));
        java.security.Provider lost = new java.security.Provider("Lost", "1", "a provider whose token went away") {
            private static final long serialVersionUID = 1L;
        };
        Pkcs11MasterKey master = new Pkcs11MasterKey(parsed, tokens,
                new Pkcs11Tokens.MasterKeyHandle(lost, tokens.find(parsed).key()));

        java.security.GeneralSecurityException outage = catchThrowableOfType(
                java.security.GeneralSecurityException.class, () -> master.encrypt(PLAINTEXT, Fixtures.AD));
        assertThat(outage).hasRootCauseInstanceOf(java.security.NoSuchAlgorithmException.class)
                .cause().isInstanceOf(java.io.IOException.class);

        byte[] wrapped = master.encrypt(PLAINTEXT, Fixtures.AD);
        assertThat(master.decrypt(wrapped, Fixtures.AD)).isEqualTo(PLAINTEXT);
    }

    static boolean tokenConfigured() {
        return present("CLOAK_TEST_PKCS11_MODULE") && present("SOFTHSM2_CONF") && present(PIN_ENV);
    }

    private static boolean present(String name) {
        String value = System.getenv(name);
        return value != null && !value.isBlank();
    }
}
