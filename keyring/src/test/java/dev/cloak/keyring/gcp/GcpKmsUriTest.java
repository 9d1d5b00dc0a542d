package dev.cloak.keyring.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.KeyringException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GcpKmsUriTest {

    private static final String KEY = "projects/my-project/locations/europe-west1/keyRings/cloak/cryptoKeys/master";

    private static void invalid(String uri) {
        KeyringException e = catchThrowableOfType(KeyringException.class, () -> GcpKmsUri.parse(uri));
        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
    }

    @Test
    void aCryptoKeyIsReachedAtCloudKmsByDefault() throws Exception {
        GcpKmsUri uri = GcpKmsUri.parse("gcp-kms://" + KEY);

        assertThat(uri.keyName()).isEqualTo(KEY);
        assertThat(uri.endpoint()).isEqualTo(URI.create("https://cloudkms.googleapis.com"));
        assertThat(uri.credentials()).isEmpty();
    }

    @Test
    void anEndpointAndACredentialsFileMayBeNamed() throws Exception {
        GcpKmsUri uri = GcpKmsUri.parse("gcp-kms://" + KEY
                + "?endpoint=https://cloudkms-psc.p.googleapis.com&credentials=file:/etc/cloak/sa.json");

        assertThat(uri.endpoint()).isEqualTo(URI.create("https://cloudkms-psc.p.googleapis.com"));
        assertThat(uri.credentials()).contains(Path.of("/etc/cloak/sa.json"));
    }

    @Test
    void plainHttpIsAllowedToLoopbackOnlyWhenAskedFor() throws Exception {
        assertThat(GcpKmsUri.parse("gcp-kms://" + KEY + "?endpoint=http://127.0.0.1:9000&http=loopback").endpoint())
                .isEqualTo(URI.create("http://127.0.0.1:9000"));
        invalid("gcp-kms://" + KEY + "?endpoint=http://127.0.0.1:9000");
        invalid("gcp-kms://" + KEY + "?endpoint=http://kms.internal:9000&http=loopback");
        invalid("gcp-kms://" + KEY + "?http=loopback");
    }

    @Test
    void anythingButACryptoKeyNameIsRefused() {
        invalid("gcp-kms://" + KEY + "/cryptoKeyVersions/1");
        invalid("gcp-kms://projects/p/keyRings/r/cryptoKeys/k");
        invalid("gcp-kms://" + KEY + "?credentials=/etc/sa.json");
        invalid("gcp-kms://" + KEY + "?endpoint=https://kms.example.com/v1");
    }
}
