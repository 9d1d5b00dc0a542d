package dev.cloak.keyring.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.CheckMasterKeyProcess;
import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyProvider;
import dev.cloak.keyring.RemoteMasterKeyContract;
import dev.cloak.keyring.kmsdouble.GcpKmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDoubles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code gcp-kms://} through Cloud KMS's REST API and google-auth-library against the Cloud KMS double. */
class GcpKmsMasterKeyProviderTest extends RemoteMasterKeyContract {

    @Override
    protected KmsDouble kms() {
        return KmsDoubles.gcp();
    }

    @Override
    protected String newKey(String name) {
        return KmsDoubles.gcpKey(name);
    }

    @Override
    protected MasterKeyProvider provider() {
        return new GcpKmsMasterKeyProvider();
    }

    @Override
    protected void allowDecryptOnly() {
        KmsDoubles.gcp().grant("decrypt");
    }

    @Test
    void everyCallCarriesTheBindingAsAdditionalAuthenticatedData() throws Exception {
        try (Keyring keyring = open(new MemoryKeyStore())) {
            keyring.aead("patients.name");
        }

        assertThat(kms().calls()).extracting(KmsDouble.Call::binding)
                .containsOnly("cloak/keyset/v2/patients.name/aead/1");
    }

    @Test
    void theServiceAccountsTokenIsFetchedOnceAndReused() throws Exception {
        GcpKmsDouble gcp = KmsDoubles.gcp();
        try (Keyring keyring = open(new MemoryKeyStore())) {
            int before = gcp.tokensIssued();
            keyring.aead("patients.name");
            keyring.aead("patients.dob");

            assertThat(gcp.tokensIssued() - before).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aTokenRevokedBeforeItsExpiryIsRefreshedAndTheCallMadeAgain() throws Exception {
        GcpKmsDouble gcp = KmsDoubles.gcp();
        try (Keyring keyring = open(new MemoryKeyStore())) {
            keyring.aead("patients.name");
            int before = gcp.tokensIssued();
            gcp.revokeTokens();

            assertThat(keyring.aead("patients.dob")).isNotNull();
            assertThat(gcp.tokensIssued() - before).isEqualTo(1);
        }
    }

    @Test
    void aRequestCorruptedInTransitIsRetriedNotTakenForARefusedCiphertext() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        GcpKmsDouble gcp = KmsDoubles.gcp();
        try (Keyring keyring = open(store)) {
            gcp.corruptNext(1);

            assertThat(keyring.aead("patients.name")).isNotNull();
        } finally {
            gcp.corruptNext(0);
        }
    }

    @Test
    void applicationDefaultCredentialsAreUsedWhenTheUriNamesNoKeyFile() throws Exception {
        String adc = uri.replaceFirst("&credentials=file:[^&]+", "");
        kms().clearCalls();

        // google-auth reads GOOGLE_APPLICATION_CREDENTIALS once per JVM: a child JVM gets it from its environment
        List<String> output = CheckMasterKeyProcess.run(entry -> false,
                Map.of("GOOGLE_APPLICATION_CREDENTIALS", KmsDoubles.gcpCredentials().toString()), adc);

        assertThat(output).containsExactly("OK gcp-kms");
        assertThat(kms().calls()).extracting(KmsDouble.Call::operation).containsExactly("encrypt", "decrypt");
    }

    @Test
    void aServiceAccountKeyTheTokenEndpointRejectsIsAccessDenied() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        Path other = Files.createTempDirectory("gcp").resolve("other-account.json");
        // the same account's file, signed by a key the token endpoint does not know
        KmsDoubles.gcp().writeForeignCredentials(other);
        String original = KmsDoubles.gcpCredentials().toString();
        uri = uri.replace(original, other.toString());

        try (Keyring keyring = open(store)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
            assertThat(e.getMessage()).contains("credentials were refused").contains("invalid_grant");
        }
    }

    @Test
    void aTokenEndpointThatIsNotHttpsIsRefusedBeforeAnyTokenIsAsked() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        Path plain = Files.createTempDirectory("gcp").resolve("plain-token-uri.json");
        String json = Files.readString(KmsDoubles.gcpCredentials());
        // the same account, its token endpoint elsewhere over plain HTTP: the signed assertion would cross in clear
        Files.writeString(plain, json.replaceFirst("\"token_uri\":\"[^\"]+\"",
                "\"token_uri\":\"http://oauth2.example.com/token\""));
        uri = uri.replace(KmsDoubles.gcpCredentials().toString(), plain.toString());
        int before = KmsDoubles.gcp().tokensIssued();

        try (Keyring keyring = open(store)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
            assertThat(e.getMessage()).contains("token_uri").contains("oauth2.example.com").contains("https://");
        }
        assertThat(KmsDoubles.gcp().tokensIssued()).isEqualTo(before);
    }
}
