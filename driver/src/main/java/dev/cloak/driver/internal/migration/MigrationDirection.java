package dev.cloak.driver.internal.migration;

import java.util.Locale;

/** What a migration does to a column's values: encrypt plaintext, or decrypt cells (the way out). */
public enum MigrationDirection {
    /** Plaintext column, encrypted shadow ({@code cloak migrate encrypt}). */
    ENCRYPT,
    /** Encrypted column, plaintext shadow ({@code cloak migrate decrypt}). */
    DECRYPT;

    /** The name stored in cloak_migrations. */
    public String storedName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The direction stored as {@code name}. */
    public static MigrationDirection ofStored(String name) {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
    }
}
