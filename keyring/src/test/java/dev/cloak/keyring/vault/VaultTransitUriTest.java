package dev.cloak.keyring.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.KeyringException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class VaultTransitUriTest {

    private static KeyringException invalid(String uri) {
        KeyringException e = catchThrowableOfType(KeyringException.class, () -> VaultTransitUri.parse(uri));
        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        return e;
    }

    @Test
    void aUriNamesTheHostMountKeyAndTokenSource() throws Exception {
        VaultTransitUri uri = VaultTransitUri.parse(
                "vault-transit://vault.internal:8200/secrets/transit/keys/cloak?token-source=file:/run/vault-token");

        assertThat(uri.base()).isEqualTo(URI.create("https://vault.internal:8200"));
        assertThat(uri.mount()).isEqualTo("secrets/transit");
        assertThat(uri.key()).isEqualTo("cloak");
        assertThat(uri.tokenSource()).map(Object::toString).contains("file:/run/vault-token");
        assertThat(uri.derived()).isFalse();
    }

    @Test
    void vaultIsReachedOverHttpsByDefaultOnPort8200() throws Exception {
        assertThat(VaultTransitUri.parse("vault-transit://vault/transit/keys/k?token-source=env:VAULT_TOKEN").base())
                .isEqualTo(URI.create("https://vault:8200"));
    }

    @Test
    void plainHttpIsAllowedToLoopbackAddressesOnlyAndOnlyWhenAskedFor() throws Exception {
        assertThat(VaultTransitUri.parse("vault-transit://127.0.0.1:8200/transit/keys/k?token-source=env:T"
                + "&http=loopback").base()).isEqualTo(URI.create("http://127.0.0.1:8200"));
        assertThat(VaultTransitUri.parse("vault-transit://[::1]:8200/transit/keys/k?token-source=env:T"
                + "&http=loopback").base()).isEqualTo(URI.create("http://[::1]:8200"));

        assertThat(invalid("vault-transit://localhost:8200/transit/keys/k?token-source=env:T&http=loopback")
                .getMessage()).contains("127.0.0.1 or ::1 only");
        invalid("vault-transit://10.0.0.5:8200/transit/keys/k?token-source=env:T&http=loopback");
        invalid("vault-transit://127.0.0.2:8200/transit/keys/k?token-source=env:T&http=loopback");
        invalid("vault-transit://127.0.0.1:8200/transit/keys/k?token-source=env:T&http=always");
    }

    @Test
    void aTokenInTheUriIsRefusedWithoutRepeatingIt() {
        KeyringException e = invalid("vault-transit://s.Abc123Secret@vault:8200/transit/keys/k?token-source=env:T");

        assertThat(e.getMessage()).doesNotContain("Abc123Secret");
        assertThat(invalid("vault-transit://vault/transit/keys/k?token=s.Abc123Secret").getMessage())
                .doesNotContain("Abc123Secret");
    }

    @Test
    void exactlyOneTokenSourceIsGiven() {
        invalid("vault-transit://vault/transit/keys/k");
        invalid("vault-transit://vault/transit/keys/k?token-source=env:T&role-id-source=env:R&secret-id-source=env:S");
        invalid("vault-transit://vault/transit/keys/k?role-id-source=env:R");
        invalid("vault-transit://vault/transit/keys/k?token-source=s.secret");
    }

    @Test
    void appRoleNeedsBothSourcesAndMayNameItsMount() throws Exception {
        VaultTransitUri uri = VaultTransitUri.parse("vault-transit://vault/transit/keys/k?role-id-source=env:R"
                + "&secret-id-source=file:/run/secret-id&approle-mount=auth-cloak");

        assertThat(uri.roleIdSource()).isPresent();
        assertThat(uri.approleMount()).isEqualTo("auth-cloak");
    }

    @Test
    void aPathThatIsNotMountKeysNameIsRefused() {
        invalid("vault-transit://vault/transit/k?token-source=env:T");
        invalid("vault-transit://vault/keys/k?token-source=env:T");
        invalid("vault-transit://vault/transit/keys/a/b?token-source=env:T");
        invalid("vault-transit://vault/../sys/keys/k?token-source=env:T");
    }

    @Test
    void namespacesAndDerivedKeysAreNamedByParameters() throws Exception {
        VaultTransitUri uri = VaultTransitUri.parse("vault-transit://vault/transit/keys/k?token-source=env:T"
                + "&namespace=team-a/payments&derived=true");

        assertThat(uri.namespace()).contains("team-a/payments");
        assertThat(uri.derived()).isTrue();
        invalid("vault-transit://vault/transit/keys/k?token-source=env:T&derived=yes");
        invalid("vault-transit://vault/transit/keys/k?token-source=env:T&namespace=a/../b");
        invalid("vault-transit://vault/transit/keys/k?token-source=env:T&mount=x");
    }

    /** {@code X-Vault-Namespace: ns1/ns2/} is Vault's own example. */
    @Test
    void aNamespaceMayEndWithASlash() throws Exception {
        VaultTransitUri uri = VaultTransitUri.parse("vault-transit://vault/transit/keys/k?token-source=env:T"
                + "&namespace=ns1/ns2/");

        assertThat(uri.namespace()).contains("ns1/ns2");
        invalid("vault-transit://vault/transit/keys/k?token-source=env:T&namespace=ns1//");
        invalid("vault-transit://vault/transit/keys/k?token-source=env:T&namespace=/");
    }

    @Test
    void theMountPathsLeadingSegmentsAreWhereANamespaceMayBe() throws Exception {
        assertThat(VaultTransitUri.parse("vault-transit://vault/team-a/payments/transit/keys/k?token-source=env:T")
                .mountPathPrefixes()).containsExactly("team-a/payments/", "team-a/");
        assertThat(VaultTransitUri.parse("vault-transit://vault/transit/keys/k?token-source=env:T")
                .mountPathPrefixes()).isEmpty();
    }
}
