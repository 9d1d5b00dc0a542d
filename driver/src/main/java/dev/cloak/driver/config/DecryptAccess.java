package dev.cloak.driver.config;

import java.util.Locale;

/**
 * What a principal gets when it reads an encrypted column, and so which other uses of the column it is refused; the
 * access policy decides it per principal.
 */
public enum DecryptAccess {
    /** The plaintext, and every use of the column. */
    ALLOW,
    /** An SQLException with SQLState 28000, for reads and for every other use of the column. */
    DENY,
    /** SQL NULL; no lookup by value, comparison, copy or write of a deterministic column (28000). */
    NULL,
    /**
     * Strings as {@code ****} and their last 4 characters, or {@code ********} when shorter than 8, so every mask has
     * one width; other types read as NULL. No lookup by value, comparison, copy or write of a deterministic column.
     */
    MASK;

    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The access named {@code name} in a policy file, or {@code null} when there is none. */
    public static DecryptAccess fromPolicyName(String name) {
        for (DecryptAccess access : values()) {
            if (access.policyName().equals(name)) {
                return access;
            }
        }
        return null;
    }
}
