package dev.cloak.driver.config;

import java.util.Locale;

/** What a principal gets when it reads an encrypted column; the access policy decides it per principal. */
public enum DecryptAccess {
    /** The plaintext. */
    ALLOW,
    /** An SQLException with SQLState 28000. */
    DENY,
    /** SQL NULL. */
    NULL,
    /** Strings keep their last 4 characters, the rest {@code *}; other types read as NULL. */
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
