package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a KMS's HTTP answer is classified, and its error text kept free of what the request carried. */
class KmsCallExceptionTest {

    private static final String WHAT = "vault-transit key transit/keys/cloak (encrypt)";

    @Test
    void aRedirectIsRetriedAndExplainedNotFollowed() {
        KmsCallException e = KmsCallException.ofHttpStatus(307, WHAT, null);

        assertThat(e.retryable()).isTrue();
        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("HTTP 307").contains("does not follow")
                .contains("point the URI at the active node");
    }

    @Test
    void statusesKeepTheirMeaning() {
        assertThat(KmsCallException.ofHttpStatus(403, WHAT, "permission denied").kind())
                .isEqualTo(KeyringException.Kind.ACCESS_DENIED);
        assertThat(KmsCallException.ofHttpStatus(503, WHAT, null).retryable()).isTrue();
        assertThat(KmsCallException.ofHttpStatus(400, WHAT, "bad request").retryable()).isFalse();
    }

    @Test
    void anErrorTextThatQuotesTheRequestsDataKeyIsLeftOut() {
        String dataKey = "q83vEjRWeJASNFZ4kBI0VniQEjRWeJASNFZ4kBI0Vng=";

        assertThat(KmsCallException.withoutEcho("invalid request: {\"plaintext\":\"" + dataKey + "\"}", dataKey))
                .doesNotContain(dataKey.substring(0, 12)).contains("left out");
        // cut short after a piece of the key, as error texts are at 300 characters
        assertThat(KmsCallException.withoutEcho("body was {\"plaintext\":\"" + dataKey.substring(0, 14) + "…", dataKey))
                .contains("left out");
        assertThat(KmsCallException.withoutEcho("encryption key not found", dataKey))
                .isEqualTo("encryption key not found");
        assertThat(KmsCallException.withoutEcho(null, dataKey)).isNull();
        assertThat(KmsCallException.withoutEcho("permission denied", null)).isEqualTo("permission denied");
    }
}
