package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KmsBindingTest {

    @Test
    void aKeysetBindingNamesItsDomainPurposeAndGeneration() {
        KmsBinding binding = KmsBinding.of(KeyPurpose.DETERMINISTIC_AEAD.associatedData("patients.ssn", 7));

        assertThat(binding.domain()).contains("patients.ssn");
        assertThat(binding.context()).isEqualTo(Map.of("cloak:domain", "patients.ssn",
                "cloak:purpose", "deterministic-aead", "cloak:generation", "7"));
    }

    @Test
    void aKeysetStoredBeforeGenerationsWereKeptHasNoGeneration() {
        KmsBinding binding = KmsBinding.of(KeyPurpose.AEAD.associatedData("app.patients.name", 0));

        assertThat(binding.context()).isEqualTo(Map.of("cloak:domain", "app.patients.name", "cloak:purpose", "aead"));
    }

    @Test
    void aDomainThatLooksLikePartOfTheFormatStillParsesExactly() {
        byte[] bound = KeyPurpose.AEAD.associatedData("\"odd/aead/1\".col", 2);

        assertThat(KmsBinding.of(bound).domain()).contains("\"odd/aead/1\".col");
        assertThat(KmsBinding.of(bound).context()).containsEntry("cloak:generation", "2");
    }

    /** A least-privilege KMS policy admits only Cloak's keyset context: a health check's probe carries one too. */
    @Test
    void aHealthChecksProbeIsBoundAsAKeysetOfItsOwnDomain() {
        assertThat(KmsBinding.of(MasterKey.PROBE_ASSOCIATED_DATA).context()).isEqualTo(Map.of(
                "cloak:domain", MasterKey.PROBE_DOMAIN, "cloak:purpose", "aead", "cloak:generation", "1"));
    }

    @Test
    void associatedDataThatNamesNoKeysetIsCarriedWhole() {
        assertThat(KmsBinding.of("cloak/health-check".getBytes(StandardCharsets.UTF_8)).context())
                .isEqualTo(Map.of("cloak:associated-data", "cloak/health-check"));
        assertThat(KmsBinding.of(new byte[] {(byte) 0xff, 0}).context())
                .isEqualTo(Map.of("cloak:associated-data-base64", "/wA="));
        assertThat(KmsBinding.of("cloak/keyset/v2/patients.ssn/aead/01".getBytes(StandardCharsets.UTF_8)).domain())
                .isEmpty();
    }

    @Test
    void differentAssociatedDataNeverShareAContext() {
        String[] bindings = {"cloak/keyset/v2/a/aead/1", "cloak/keyset/v1/a/aead", "cloak/keyset/v2/a/aead/2",
            "cloak/keyset/v2/a/deterministic-aead/1", "cloak/keyset/v2/a/aead/1/aead/1", "cloak/keyset/v2/a/aead/01"};
        java.util.Set<Map<String, String>> contexts = new java.util.HashSet<>();
        for (String bound : bindings) {
            contexts.add(KmsBinding.of(bound.getBytes(StandardCharsets.UTF_8)).context());
        }
        assertThat(contexts).hasSize(bindings.length);
    }
}
