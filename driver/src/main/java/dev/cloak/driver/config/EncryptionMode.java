package dev.cloak.driver.config;

import java.util.Locale;

/** How a column is encrypted: randomized (Tink AES256_GCM) or deterministic (Tink AES256_SIV). */
public enum EncryptionMode {
    /** Equal plaintexts give different ciphertexts; only IS [NOT] NULL can be searched. */
    RANDOMIZED((byte) 0x01),
    /** Equal plaintexts give equal ciphertexts, so equality, IN, GROUP BY and joins work. */
    DETERMINISTIC((byte) 0x02);

    private final byte cellByte;

    EncryptionMode(byte cellByte) {
        this.cellByte = cellByte;
    }

    /** The mode byte of a version-1 cell (SPEC §2.3). */
    public byte cellByte() {
        return cellByte;
    }

    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code name} in a policy file, or {@code null} when there is none. */
    public static EncryptionMode fromPolicyName(String name) {
        for (EncryptionMode mode : values()) {
            if (mode.policyName().equals(name)) {
                return mode;
            }
        }
        return null;
    }
}
