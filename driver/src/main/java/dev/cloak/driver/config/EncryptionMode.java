package dev.cloak.driver.config;

import dev.cloak.driver.internal.codec.CellFormat;
import java.util.Locale;

/** How a column is encrypted: randomized (Tink AES256_GCM) or deterministic (Tink AES256_SIV). */
public enum EncryptionMode {
    /** Equal plaintexts give different ciphertexts; only IS [NOT] NULL can be searched. */
    RANDOMIZED,
    /** Equal plaintexts give equal ciphertexts, so equality, IN, GROUP BY and joins work. */
    DETERMINISTIC;

    /** The mode byte of a cell encrypted in this mode (the layout is {@link CellFormat}'s). */
    public byte cellByte() {
        return CellFormat.modeByte(this);
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
