package dev.cloak.keyring;

/** What a key version of a key domain may still do; {@link #storedName()} is what the key store holds. */
public enum KeyVersionStatus {
    /** The primary version: encrypts new cells and decrypts. */
    ACTIVE("active"),
    /** An older version: decrypts cells written under it, never encrypts. */
    DECRYPT_ONLY("decrypt-only"),
    /** The key material is gone (crypto-shredding): cells under it can never be decrypted again. */
    DESTROYED("destroyed");

    private final String storedName;

    KeyVersionStatus(String storedName) {
        this.storedName = storedName;
    }

    /** The name kept in the key store and printed by {@code cloak keys list}. */
    public String storedName() {
        return storedName;
    }

    /** The status of a stored name, or {@code null} when there is none. */
    public static KeyVersionStatus fromStoredName(String name) {
        for (KeyVersionStatus status : values()) {
            if (status.storedName.equals(name)) {
                return status;
            }
        }
        return null;
    }
}
