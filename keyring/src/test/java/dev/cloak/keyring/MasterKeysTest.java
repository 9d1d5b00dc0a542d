package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeysTest {

    private static final KeyEvents NO_TRAIL = new KeyEvents(AuditTrail.NONE);

    @TempDir
    Path dir;

    /** A provider of {@code scheme} that hands out {@code key}, or throws {@code failure} when it is set. */
    private static MasterKeyProvider provider(String scheme, Aead key, RuntimeException failure) {
        return new MasterKeyProvider() {
            @Override
            public String scheme() {
                return scheme;
            }

            @Override
            public Aead open(String uri) {
                if (failure != null) {
                    throw failure;
                }
                return key;
            }
        };
    }

    @Test
    void aUriGoesToTheProviderOfItsScheme() throws Exception {
        Aead kms = new LocalMasterKeyProvider().open("local:file:" + dir.resolve("kms.json"));
        MasterKeys keys = MasterKeys.of(List.of(new LocalMasterKeyProvider(), provider("aws-kms", kms, null)));

        MasterKey opened = keys.open("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/k", NO_TRAIL);

        assertThat(opened.aead()).isSameAs(kms);
        assertThat(opened.uri()).isEqualTo("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/k");
        assertThat(keys.open("local:" + dir.resolve("m.json"), NO_TRAIL).aead()).isNotSameAs(kms);
    }

    @Test
    void theFirstProviderOfASchemeWins() throws Exception {
        Aead first = new LocalMasterKeyProvider().open("local:file:" + dir.resolve("first.json"));
        MasterKeys keys = MasterKeys.of(List.of(provider("local", first, null), new LocalMasterKeyProvider()));

        assertThat(keys.open("local:file:" + dir.resolve("other.json"), NO_TRAIL).aead()).isSameAs(first);
    }

    @Test
    void aUriWhoseSchemeNoProviderServesIsInvalid() {
        MasterKeys keys = MasterKeys.of(List.of(new LocalMasterKeyProvider()));

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> keys.open("file:local:m.json", NO_TRAIL));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains("'file'");
    }

    @Test
    void aProviderThatThrowsUncheckedIsUnavailableNamingOnlyTheScheme() {
        MasterKeys keys = MasterKeys.of(List.of(provider("vault-transit", null,
                new IllegalStateException("connection refused"))));

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> keys.open("vault-transit://vault:8200/transit/keys/k?token-source=env:S3CR3T", NO_TRAIL));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("'vault-transit'").doesNotContain("S3CR3T");
    }

    @Test
    void aProviderThatOpensNothingIsUnavailable() {
        MasterKeys keys = MasterKeys.of(List.of(provider("gcp-kms", null, null)));

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> keys.open("gcp-kms://projects/p/locations/l/keyRings/r/cryptoKeys/k", NO_TRAIL));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
    }

    @Test
    void theInstalledProvidersServeLocalAndPkcs11() {
        MasterKeys installed = MasterKeys.installed();

        assertThat(installed.toString()).contains("local").contains("pkcs11");
    }
}
