package dev.cloak.driver.internal.policy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.codec.CellKeys;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.keyring.DomainKeys;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keyring's primitives as the codec asks for them, on every cell: through one {@link DomainKeys} per key
 * domain of the policy, which answers without a cache lookup while the keyring's cache would have kept the
 * primitive. Keyring failures become SQLExceptions.
 */
final class KeyringCellKeys implements CellKeys {

    private final Keyring keyring;
    private final Map<String, DomainKeys> domains;

    KeyringCellKeys(Keyring keyring, List<ColumnPolicy> columns) {
        this.keyring = keyring;
        Map<String, DomainKeys> domains = new HashMap<>();
        for (ColumnPolicy column : columns) {
            domains.computeIfAbsent(column.keyDomain(), keyring::domainKeys);
        }
        this.domains = Map.copyOf(domains);
    }

    private DomainKeys domain(String keyDomain) {
        DomainKeys keys = domains.get(keyDomain);
        // every codec's domain is the policy's; another is not expected, but it still gets the keyring's rules
        return keys != null ? keys : keyring.domainKeys(keyDomain);
    }

    /** The domain's {@link DomainKeys}, found once for the codec that asks on every cell. */
    @Override
    public CellKeys.Domain forDomain(String keyDomain) {
        DomainKeys keys = domain(keyDomain);
        return new CellKeys.Domain() {
            @Override
            public Aead aead() throws SQLException {
                try {
                    return keys.aead();
                } catch (KeyringException e) {
                    throw SqlErrors.keyring(e);
                }
            }

            @Override
            public DeterministicAead deterministicAead() throws SQLException {
                try {
                    return keys.deterministicAead();
                } catch (KeyringException e) {
                    throw SqlErrors.keyring(e);
                }
            }

            @Override
            public List<DeterministicAead> deterministicAeadsByVersion() throws SQLException {
                try {
                    return keys.deterministicAeadsByVersion();
                } catch (KeyringException e) {
                    throw SqlErrors.keyring(e);
                }
            }

            @Override
            public boolean hasKeyVersion(int keyId) {
                return KeyringCellKeys.this.hasKeyVersion(keyDomain, keyId);
            }
        };
    }

    @Override
    public Aead aead(String keyDomain) throws SQLException {
        try {
            return domain(keyDomain).aead();
        } catch (KeyringException e) {
            throw SqlErrors.keyring(e);
        }
    }

    @Override
    public DeterministicAead deterministicAead(String keyDomain) throws SQLException {
        try {
            return domain(keyDomain).deterministicAead();
        } catch (KeyringException e) {
            throw SqlErrors.keyring(e);
        }
    }

    @Override
    public List<DeterministicAead> deterministicAeadsByVersion(String keyDomain) throws SQLException {
        try {
            return domain(keyDomain).deterministicAeadsByVersion();
        } catch (KeyringException e) {
            throw SqlErrors.keyring(e);
        }
    }

    @Override
    public boolean hasKeyVersion(String keyDomain, int keyId) {
        return keyring.hasKeyVersion(keyDomain, keyId);
    }
}
