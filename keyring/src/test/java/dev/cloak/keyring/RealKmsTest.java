package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.GenerationLedger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The remote master keys against the real services, when their credentials are set; each is skipped with one loud
 * line otherwise. Runs in a JVM of its own (the keyring module's {@code real-kms} test execution), where no double has
 * pointed a client elsewhere:
 *
 * <ul>
 *   <li>AWS KMS: {@code CLOAK_TEST_AWS_KMS_KEY} (a key or alias ARN, or {@code aws-kms://ARN}), credentials from
 *       the default chain ({@code AWS_PROFILE}, {@code AWS_ACCESS_KEY_ID}…), allowed {@code kms:Encrypt} and
 *       {@code kms:Decrypt} on the key.</li>
 *   <li>Cloud KMS: {@code CLOAK_TEST_GCP_KMS_KEY} ({@code projects/…/cryptoKeys/K} or {@code gcp-kms://…}),
 *       Application Default Credentials with {@code roles/cloudkms.cryptoKeyEncrypterDecrypter} on the key.</li>
 *   <li>Vault: {@code CLOAK_TEST_VAULT_ADDR} (e.g. {@code https://vault.example:8200}, or
 *       {@code http://127.0.0.1:8200} for a dev server), {@code CLOAK_TEST_VAULT_TOKEN}, and optionally
 *       {@code CLOAK_TEST_VAULT_KEY} (default {@code transit/keys/cloak-test}, an {@code aes256-gcm96} key) and
 *       {@code CLOAK_TEST_VAULT_NAMESPACE}.</li>
 * </ul>
 */
class RealKmsTest {

    private static final byte[] VALUE = "900-12-3456".getBytes(StandardCharsets.UTF_8);

    private static String required(String variable, String service) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            System.err.println("*** SKIPPING the tests against the real " + service + ": set " + variable + " ***");
            Assumptions.abort(service + " is not configured: set " + variable);
        }
        return value.strip();
    }

    @Test
    void awsKms() throws Exception {
        String key = required("CLOAK_TEST_AWS_KMS_KEY", "AWS KMS");
        roundTripBindingAndCheck(key.startsWith("aws-kms://") ? key : "aws-kms://" + key);
    }

    @Test
    void googleCloudKms() throws Exception {
        String key = required("CLOAK_TEST_GCP_KMS_KEY", "Google Cloud KMS");
        roundTripBindingAndCheck(key.startsWith("gcp-kms://") ? key : "gcp-kms://" + key);
    }

    @Test
    void vaultTransit() throws Exception {
        String address = required("CLOAK_TEST_VAULT_ADDR", "Vault");
        required("CLOAK_TEST_VAULT_TOKEN", "Vault");
        java.net.URI vault = java.net.URI.create(address);
        String key = System.getenv().getOrDefault("CLOAK_TEST_VAULT_KEY", "transit/keys/cloak-test");
        String namespace = System.getenv("CLOAK_TEST_VAULT_NAMESPACE");
        int port = vault.getPort() < 0 ? 8200 : vault.getPort();
        roundTripBindingAndCheck("vault-transit://" + vault.getHost() + ":" + port + "/" + key
                + "?token-source=env:CLOAK_TEST_VAULT_TOKEN"
                + ("http".equals(vault.getScheme()) ? "&http=loopback" : "")
                + (namespace == null || namespace.isBlank() ? "" : "&namespace=" + namespace));
    }

    /** Keysets round trip through the service, a keyset moved to another domain is refused, the key answers. */
    private static void roundTripBindingAndCheck(String uri) throws Exception {
        KeyringSettings settings = new KeyringSettings(uri, Duration.ofMinutes(15), 100, true, Duration.ofSeconds(10));
        MemoryKeyStore store = new MemoryKeyStore();
        byte[] cell;
        try (Keyring keyring = Keyring.open(settings, store, AuditTrail.NONE, DomainUsage.UNCHECKED,
                GenerationLedger.NONE)) {
            cell = keyring.aead("patients.name").encrypt(VALUE, Fixtures.AD);
            keyring.checkMasterKey();
        }
        WrappedKeyset name = store.keysets.get("patients.name");
        store.keysets.put("visits.name", new WrappedKeyset("visits.name", name.purpose(), name.ciphertext(),
                name.masterKeyUri(), name.generation()));

        try (Keyring keyring = Keyring.open(settings, store, AuditTrail.NONE, DomainUsage.UNCHECKED,
                GenerationLedger.NONE)) {
            assertThat(keyring.aead("patients.name").decrypt(cell, Fixtures.AD)).isEqualTo(VALUE);
            keyring.checkMasterKey("patients.name");
            KeyringException moved = catchThrowableOfType(KeyringException.class, () -> keyring.aead("visits.name"));
            assertThat(moved.kind()).as(moved.getMessage()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
        }
    }
}
