package dev.cloak.keyring.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cloak.keyring.CheckMasterKeyProcess;
import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KmsCallException;
import dev.cloak.keyring.MasterKeyProvider;
import dev.cloak.keyring.RemoteMasterKeyContract;
import dev.cloak.keyring.kmsdouble.Fault;
import dev.cloak.keyring.kmsdouble.GcpKmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDoubles;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /** google-auth asks the source credentials of an impersonated account for a token first: their endpoint too. */
    @Test
    void anImpersonatedAccountWhoseSourceTokenEndpointIsNotHttpsIsRefusedBeforeAnyTokenIsAsked() throws Exception {
        String adc = uri.replaceFirst("&credentials=file:[^&]+", "");
        JsonObject source = JsonParser.parseString(Files.readString(KmsDoubles.gcpCredentials())).getAsJsonObject();
        source.addProperty("token_uri", "http://127.0.0.2:" + kms().port() + "/token");
        Path file = Files.createTempDirectory("gcp").resolve("impersonated.json");
        Files.writeString(file, impersonated(source, IAM + "target@cloak-test.iam.gserviceaccount.com"
                + ":generateAccessToken").toString());
        int before = KmsDoubles.gcp().tokensIssued();

        List<String> output = CheckMasterKeyProcess.run(entry -> false,
                Map.of("GOOGLE_APPLICATION_CREDENTIALS", file.toString()), adc);

        assertThat(output).hasSize(1);
        assertThat(output.get(0)).startsWith("INVALID").contains("token_uri").contains("127.0.0.2")
                .contains("https://");
        assertThat(KmsDoubles.gcp().tokensIssued()).isEqualTo(before);
        assertThat(kms().operations()).isZero();
    }

    @Test
    void anImpersonationUrlThatIsNotHttpsIsRefused() throws Exception {
        JsonObject source = JsonParser.parseString(Files.readString(KmsDoubles.gcpCredentials())).getAsJsonObject();
        GcpKmsKey key = new GcpKmsKey(GcpKmsUri.parse(uri), Duration.ofSeconds(5));
        String target = "target@cloak-test.iam.gserviceaccount.com:generateAccessToken";

        KmsCallException e = catchThrowableOfType(KmsCallException.class, () -> key.requireHttpsEndpoints(
                credentials(impersonated(source, "http://iam.example/v1/projects/-/serviceAccounts/" + target)),
                "check"));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains("service_account_impersonation_url").contains("iam.example");
        GoogleCredentials https = credentials(impersonated(source, IAM + target));
        assertThat(key.requireHttpsEndpoints(https, "check")).isSameAs(https);
    }

    /** google-auth refuses this file with an IllegalArgumentException: the same file fails again, so no retry. */
    @Test
    void anExternalAccountFileGoogleAuthCannotUseIsAConfigurationError() throws Exception {
        String adc = uri.replaceFirst("&credentials=file:[^&]+", "");
        Path file = Files.createTempDirectory("gcp").resolve("external-account.json");
        Files.writeString(file, "{\"type\": \"external_account\", \"audience\": \"//iam.googleapis.com/projects/1/"
                + "locations/global/workloadIdentityPools/p/providers/x\", \"subject_token_type\": "
                + "\"urn:ietf:params:oauth:token-type:jwt\", \"token_url\": \"https://sts.googleapis.com/v1/token\", "
                + "\"credential_source\": {\"format\": {\"type\": \"text\"}}}");

        List<String> output = CheckMasterKeyProcess.run(entry -> false,
                Map.of("GOOGLE_APPLICATION_CREDENTIALS", file.toString()), adc);

        assertThat(output).hasSize(1);
        assertThat(output.get(0)).startsWith("INVALID").contains("GOOGLE_APPLICATION_CREDENTIALS");
        assertThat(kms().operations()).isZero();
    }

    private static final String IAM = "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/";

    private static JsonObject impersonated(JsonObject source, String impersonationUrl) {
        JsonObject file = new JsonObject();
        file.addProperty("type", "impersonated_service_account");
        file.addProperty("service_account_impersonation_url", impersonationUrl);
        file.add("delegates", new JsonArray());
        file.add("source_credentials", source);
        return file;
    }

    private static GoogleCredentials credentials(JsonObject json) throws Exception {
        return GoogleCredentials.fromStream(new ByteArrayInputStream(json.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aQuotaThatRanOutIsRetriedNoSoonerThanTheThrottledWait() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        kms().failNext(Fault.THROTTLE, 2);

        try (Keyring keyring = open(store)) {
            long start = System.nanoTime();
            assertThat(keyring.aead("patients.name")).isNotNull();

            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(GcpKmsKey.THROTTLED_WAIT.multipliedBy(2));
        }
        assertThat(kms().operations()).isEqualTo(3);
    }
}
