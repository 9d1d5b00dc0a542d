package dev.cloak.driver.internal.migration;

/**
 * One row of {@code cloak_migrations}: a column (as the policy names it) on its way in or out of encryption.
 *
 * @param column    the column as the policy names it ({@code table.column})
 * @param direction encrypt or decrypt
 * @param state     where it stands
 * @param shadow    the shadow column's name while it is filled
 * @param retained  the name the old column is kept under after the cut-over
 * @param rowsDone  rows whose shadow the backfill wrote, over all runs
 * @param fromVersion for a re-key: the Tink key id the column's cells are under before it (null otherwise)
 * @param toVersion   for a re-key: the Tink key id the shadow's cells are under (null otherwise)
 */
public record ColumnMigration(String column, MigrationDirection direction, MigrationState state, String shadow,
                              String retained, long rowsDone, Integer fromVersion, Integer toVersion) {

    /** A migration that is not a re-key (no key versions). */
    public ColumnMigration(String column, MigrationDirection direction, MigrationState state, String shadow,
                           String retained, long rowsDone) {
        this(column, direction, state, shadow, retained, rowsDone, null, null);
    }

    /**
     * Whether the column the application names holds plaintext now: before the cut-over of an encryption (and after
     * its rollback), and after the cut-over of a decryption. Cloak then plans statements as if the policy did not
     * list the column, so the application keeps working through every state.
     */
    public boolean columnHoldsPlaintext() {
        boolean cutOver = state.isCutOver();
        return switch (direction) {
            case ENCRYPT -> !cutOver;
            case DECRYPT -> cutOver;
            case REKEY -> false;
        };
    }

    /**
     * For a re-key that is not rolled back: the key version the column the application names holds its cells under
     * now, so every instance writes and looks it up under that version whatever the keyring's primary is — the old
     * version before the cut-over (and after its rollback), the new one from the cut-over on. Null otherwise.
     */
    public Integer pinnedVersion() {
        if (direction != MigrationDirection.REKEY || state == MigrationState.ROLLED_BACK || fromVersion == null
                || toVersion == null) {
            return null;
        }
        return state.isCutOver() ? toVersion : fromVersion;
    }

    /** The migration with another state. */
    public ColumnMigration withState(MigrationState next) {
        return new ColumnMigration(column, direction, next, shadow, retained, rowsDone, fromVersion, toVersion);
    }
}
