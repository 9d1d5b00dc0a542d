package dev.cloak.keyring.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.kmsdouble.KmsDoubles;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The AWS KMS endpoint is held to HTTPS, as every remote master key is; plain HTTP to a loopback literal only. */
class AwsEndpointTest {

    private static void check(Optional<URI> resolved, Map<String, String> env, Map<String, String> properties)
            throws KeyringException {
        AwsEndpoint.requireHttps(resolved, env::get, properties::get);
    }

    @Test
    void noOverrideAndHttpsOverridesPass() {
        assertThatCode(() -> check(Optional.empty(), Map.of(), Map.of())).doesNotThrowAnyException();
        assertThatCode(() -> check(Optional.of(URI.create("https://kms.eu-west-1.amazonaws.com")),
                Map.of("AWS_ENDPOINT_URL_KMS", "https://vpce-1.kms.eu-west-1.vpce.amazonaws.com"),
                Map.of("aws.endpointUrl", "https://proxy.internal:8443"))).doesNotThrowAnyException();
        assertThatCode(() -> check(Optional.empty(), Map.of(), Map.of("aws.endpointUrlKms", "http://127.0.0.1:4566")))
                .doesNotThrowAnyException();
        assertThatCode(() -> check(Optional.empty(), Map.of("AWS_ENDPOINT_URL", "http://[::1]:4566"), Map.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void plainHttpToAnotherHostIsRefusedWhereverItIsSet() {
        for (Map<String, String> env : new Map[] {Map.of("AWS_ENDPOINT_URL_KMS", "http://kms.example.com"),
                Map.of("AWS_ENDPOINT_URL", "http://localhost:4566")}) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> check(Optional.empty(), env,
                    Map.of()));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
            assertThat(e.getMessage()).contains("not https://").contains("AWS_ENDPOINT_URL_KMS");
        }
        KeyringException resolved = catchThrowableOfType(KeyringException.class, () -> check(
                Optional.of(URI.create("http://10.0.0.5:8080")), Map.of(), Map.of()));
        assertThat(resolved.getMessage()).contains("10.0.0.5");
    }

    @Test
    void theProviderRefusesAPlainHttpEndpointBeforeAnyCall() {
        String before = System.getProperty("aws.endpointUrlKms");
        KmsDoubles.aws(); // the double sets the property for every test; put it back afterwards
        String doubles = System.getProperty("aws.endpointUrlKms");
        System.setProperty("aws.endpointUrlKms", "http://kms.example.com");
        try {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> new AwsKmsMasterKeyProvider()
                    .open(KmsDoubles.awsKey("endpoint-check")));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
            assertThat(e.getMessage()).contains("kms.example.com");
        } finally {
            System.setProperty("aws.endpointUrlKms", doubles != null ? doubles : before);
        }
    }
}
