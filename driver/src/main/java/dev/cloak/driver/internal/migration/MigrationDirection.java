package dev.cloak.driver.internal.migration;

import java.util.Locale;

/** What a migration does to a column's values: encrypt plaintext, decrypt cells (the way out), or
 * re-encrypt cells under a new key version. */
public enum MigrationDirection {
    /** Plaintext column, encrypted shadow ({@code cloak migrate encrypt}). */
    ENCRYPT,
    /** Encrypted column, plaintext shadow ({@code cloak migrate decrypt}). */
    DECRYPT,
    /**
     * Deterministic column moved to a new key version ({@code cloak migrate rekey}): cells under the old version in
     * the column, under the new one in the shadow; instances write and look up under the old version until the
     * cut-over and under the new one from then on ({@link ColumnMigration#pinnedVersion()}).
     */
    REKEY;

    /** The name stored in cloak_migrations. */
    public String storedName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The direction stored as {@code name}. */
    public static MigrationDirection ofStored(String name) {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
    }
}
