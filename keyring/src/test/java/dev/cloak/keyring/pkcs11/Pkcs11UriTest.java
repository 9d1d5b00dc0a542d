package dev.cloak.keyring.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.Fixtures;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KeyringSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs11UriTest {

    private static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";

    @TempDir
    Path dir;

    @Test
    void parsesTokenObjectModuleAndPinSource() throws Exception {
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=cloak;object=master?module-path=" + MODULE
                + "&pin-source=env:CLOAK_HSM_PIN");

        assertThat(uri.token()).isEqualTo("cloak");
        assertThat(uri.object()).isEqualTo("master");
        assertThat(uri.modulePath()).isEqualTo(Path.of(MODULE));
        assertThat(uri.pinSource()).isEqualTo("env:CLOAK_HSM_PIN");
    }

    @Test
    void percentEncodedLabelsAreDecoded() throws Exception {
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=my%20token;object=m%C3%A4ster;type=secret-key?module-path="
                + MODULE + "&pin-source=file:/run/secrets/pin");

        assertThat(uri.token()).isEqualTo("my token");
        assertThat(uri.object()).isEqualTo("m\u00e4ster");
    }

    @Test
    void pinValueIsRejectedWithTheReason() {
        KeyringException e = invalid("pkcs11:token=cloak;object=master?module-path=" + MODULE
                + "&pin-value=1234");

        assertThat(e.getMessage()).contains("pin-value").contains("policy file").contains("pin-source")
                .doesNotContain("1234");
    }

    @Test
    void pinValueInThePathPartIsRejectedToo() {
        KeyringException e = invalid("pkcs11:token=cloak;object=master;pin-value=1234?module-path=" + MODULE
                + "&pin-source=env:X");

        assertThat(e.getMessage()).contains("pin-value").doesNotContain("1234");
    }

    @Test
    void missingTokenIsRejectedNamingTheAttribute() {
        assertThat(invalid("pkcs11:object=master?module-path=" + MODULE + "&pin-source=env:X").getMessage())
                .contains("token=");
    }

    @Test
    void missingModulePathIsRejectedNamingTheAttribute() {
        assertThat(invalid("pkcs11:token=cloak;object=master?pin-source=env:X").getMessage())
                .contains("module-path=");
    }

    @Test
    void missingPinSourceIsRejectedNamingTheAttribute() {
        assertThat(invalid("pkcs11:token=cloak;object=master?module-path=" + MODULE).getMessage())
                .contains("pin-source=");
    }

    @Test
    void anUnsupportedAttributeIsRejectedRatherThanIgnored() {
        assertThat(invalid("pkcs11:token=cloak;object=master;serial=42?module-path=" + MODULE
                + "&pin-source=env:X").getMessage()).contains("'serial'").contains("not supported");
    }

    @Test
    void aPinSourceOfAnotherKindIsRejected() {
        assertThat(invalid("pkcs11:token=cloak;object=master?module-path=" + MODULE
                + "&pin-source=https://example.com/pin").getMessage()).contains("env:NAME or file:PATH");
    }

    @Test
    void aNonSecretKeyTypeIsRejected() {
        assertThat(invalid("pkcs11:token=cloak;object=master;type=private?module-path=" + MODULE
                + "&pin-source=env:X").getMessage()).contains("type=private");
    }

    @Test
    void pinIsReadFromAFileWithoutItsTrailingNewline() throws Exception {
        Path pinFile = dir.resolve("pin");
        Files.writeString(pinFile, "4321\n");
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=cloak;object=master?module-path=" + MODULE
                + "&pin-source=file:" + pinFile);

        assertThat(uri.readPin()).containsExactly('4', '3', '2', '1');
    }

    @Test
    void anUnsetPinEnvironmentVariableFailsNamingTheSource() throws Exception {
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=cloak;object=master?module-path=" + MODULE
                + "&pin-source=env:CLOAK_TEST_SURELY_UNSET_PIN_VARIABLE");

        KeyringException e = catchThrowableOfType(KeyringException.class, uri::readPin);

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains("env:CLOAK_TEST_SURELY_UNSET_PIN_VARIABLE").contains("not set");
    }

    @Test
    void anUnreadablePinFileFailsNamingTheSource() throws Exception {
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=cloak;object=master?module-path=" + MODULE
                + "&pin-source=file:" + dir.resolve("absent"));

        KeyringException e = catchThrowableOfType(KeyringException.class, uri::readPin);

        assertThat(e.getMessage()).contains("absent").contains("cannot be read");
    }

    @Test
    void keyringRefusesAPinValueUriBeforeTouchingAnyToken() {
        KeyringSettings settings = new KeyringSettings("pkcs11:token=cloak;object=master?module-path=" + MODULE
                + "&pin-value=1234", java.time.Duration.ofMinutes(1), 10, true);

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> Fixtures.open(settings, new Fixtures.MemoryKeyStore()));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains("pin-value").doesNotContain("1234");
    }

    private static KeyringException invalid(String uri) {
        KeyringException e = catchThrowableOfType(KeyringException.class, () -> Pkcs11Uri.parse(uri));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        return e;
    }
}
