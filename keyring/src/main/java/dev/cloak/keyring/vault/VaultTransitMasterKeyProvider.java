package dev.cloak.keyring.vault;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyOptions;
import dev.cloak.keyring.MasterKeyProvider;
import dev.cloak.keyring.RemoteMasterKey;

/**
 * Master keys in HashiCorp Vault's Transit engine (or OpenBao's), named by
 * {@code vault-transit://HOST:PORT/MOUNT/keys/NAME?token-source=env:VAR|file:PATH} (see {@link VaultTransitUri} for
 * AppRole login, namespaces, derived keys, a private CA and plain HTTP to loopback). Reached with the JDK's HTTP
 * client; nothing else on the class path. Opening checks the URI only: the token is read, and Vault first asked, at
 * the first wrap or unwrap, so an application starts while Vault is down and its keys work once Vault is back.
 */
public final class VaultTransitMasterKeyProvider implements MasterKeyProvider {

    /** Creates the provider; it holds no state. */
    public VaultTransitMasterKeyProvider() {
    }

    @Override
    public String scheme() {
        return VaultTransitUri.SCHEME;
    }

    @Override
    public Aead open(String uri) throws KeyringException {
        return open(uri, MasterKeyOptions.DEFAULTS);
    }

    @Override
    public Aead open(String uri, MasterKeyOptions options) throws KeyringException {
        VaultTransitUri parsed = VaultTransitUri.parse(uri);
        return RemoteMasterKey.create(new VaultTransitKey(parsed, options.kmsTimeout()), options);
    }
}
