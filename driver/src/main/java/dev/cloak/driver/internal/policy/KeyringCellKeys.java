package dev.cloak.driver.internal.policy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.codec.CellKeys;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.migration.ColumnMigrations;
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
 * primitive. A deterministic domain whose re-key pins a key version ({@code cloak migrate rekey}) encrypts under that
 * version instead of the primary. Keyring failures become SQLExceptions.
 */
final class KeyringCellKeys implements CellKeys {

    private final Keyring keyring;
    private final Map<String, DomainKeys> domains;
    private final ColumnMigrations migrations;

    KeyringCellKeys(Keyring keyring, List<ColumnPolicy> columns) {
        this(keyring, columns, null);
    }

    /**
     * @param migrations when not null, the key versions re-keys pin ({@link ColumnMigrations#pinnedVersions()}):
     *                   a pinned domain's deterministic primitives encrypt under the pinned version, not the primary
     */
    KeyringCellKeys(Keyring keyring, List<ColumnPolicy> columns, ColumnMigrations migrations) {
        this.keyring = keyring;
        this.migrations = migrations;
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

    /** The key version a re-key pins for {@code keyDomain} now, or null (almost always: an empty map). */
    private Integer pinned(String keyDomain) {
        if (migrations == null) {
            return null;
        }
        Map<String, Integer> pins = migrations.pinnedVersions();
        return pins.isEmpty() ? null : pins.get(keyDomain);
    }

    private DeterministicAead deterministic(DomainKeys keys, String keyDomain) throws SQLException {
        Integer pin = pinned(keyDomain);
        try {
            return pin == null ? keys.deterministicAead() : keys.deterministicAead(pin);
        } catch (KeyringException e) {
            throw SqlErrors.keyring(e);
        }
    }

    private List<DeterministicAead> deterministicByVersion(DomainKeys keys, String keyDomain) throws SQLException {
        Integer pin = pinned(keyDomain);
        try {
            return pin == null ? keys.deterministicAeadsByVersion() : keys.deterministicAeadsByVersion(pin);
        } catch (KeyringException e) {
            throw SqlErrors.keyring(e);
        }
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
                return deterministic(keys, keyDomain);
            }

            @Override
            public List<DeterministicAead> deterministicAeadsByVersion() throws SQLException {
                return deterministicByVersion(keys, keyDomain);
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
        return deterministic(domain(keyDomain), keyDomain);
    }

    @Override
    public List<DeterministicAead> deterministicAeadsByVersion(String keyDomain) throws SQLException {
        return deterministicByVersion(domain(keyDomain), keyDomain);
    }

    @Override
    public boolean hasKeyVersion(String keyDomain, int keyId) {
        return keyring.hasKeyVersion(keyDomain, keyId);
    }
}
