package dev.cloak.keyring.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyException;
import dev.cloak.keyring.MasterKeyOptions;
import dev.cloak.keyring.kmsdouble.SelfSignedTls;
import dev.cloak.keyring.kmsdouble.VaultDouble;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vault over HTTPS: its certificate is verified, against the URI's {@code ca-file} or the JDK's trust store. */
class VaultOverHttpsTest {

    private static final byte[] AD = "cloak/keyset/v2/patients.ssn/aead/1".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;

    private static VaultDouble vault;
    private static SelfSignedTls tls;
    private static String base;

    @BeforeAll
    static void startVaultOverHttps() throws Exception {
        tls = SelfSignedTls.create(dir);
        vault = new VaultDouble(tls.server());
        vault.createKey("", "transit", "cloak", false);
        Files.writeString(dir.resolve("token"), vault.issueToken(Duration.ZERO, false, "encrypt", "decrypt"));
        base = "vault-transit://127.0.0.1:" + vault.port() + "/transit/keys/cloak?token-source=file:"
                + dir.resolve("token");
    }

    @AfterAll
    static void stop() {
        vault.close();
    }

    private static Aead open(String uri) throws KeyringException {
        return new VaultTransitMasterKeyProvider().open(uri, new MasterKeyOptions(Duration.ofSeconds(3)));
    }

    @Test
    void aVaultWhoseCertificateTheCaFileVouchesForIsUsed() throws Exception {
        Aead key = open(base + "&ca-file=" + tls.certificate());

        assertThat(key.decrypt(key.encrypt(new byte[32], AD), AD)).hasSize(32);
    }

    @Test
    void aCertificateNobodyVouchesForFailsTheHandshakeAndIsNotRetried() throws Exception {
        vault.clearCalls();
        Aead key = open(base);

        MasterKeyException e = catchThrowableOfType(MasterKeyException.class, () -> key.encrypt(new byte[32], AD));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("TLS handshake failed");
        assertThat(vault.operations()).isZero();
    }
}
