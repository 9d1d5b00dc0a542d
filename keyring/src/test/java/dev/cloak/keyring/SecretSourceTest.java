package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretSourceTest {

    @TempDir
    Path dir;

    @Test
    void aFileIsReadAgainAtEachReadWithoutItsTrailingNewline() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first\n");
        SecretSource source = SecretSource.parse("file:" + file, "token-source");

        assertThat(source.read()).containsExactly("first".toCharArray());
        Files.writeString(file, "second\r\n");
        assertThat(source.read()).containsExactly("second".toCharArray());
    }

    @Test
    void aVariableIsReadFromTheEnvironment() throws Exception {
        SecretSource source = SecretSource.parse("env:VAULT_TOKEN", "token-source", Map.of("VAULT_TOKEN", "s.x")::get);

        assertThat(source.read()).containsExactly("s.x".toCharArray());
    }

    @Test
    void aSecretWrittenInPlaceOfItsSourceIsRefusedWithoutRepeatingIt() {
        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> SecretSource.parse("s.VerySecretToken", "token-source"));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).doesNotContain("VerySecretToken");
    }

    @Test
    void anUnsetVariableOrEmptyFileIsInvalid() throws Exception {
        Files.writeString(dir.resolve("empty"), "\n");

        assertThat(catchThrowableOfType(KeyringException.class,
                () -> SecretSource.parse("env:UNSET", "token-source", name -> null).read()).kind())
                .isEqualTo(KeyringException.Kind.INVALID);
        assertThat(catchThrowableOfType(KeyringException.class,
                () -> SecretSource.parse("file:" + dir.resolve("empty"), "token-source").read()).kind())
                .isEqualTo(KeyringException.Kind.INVALID);
    }
}
