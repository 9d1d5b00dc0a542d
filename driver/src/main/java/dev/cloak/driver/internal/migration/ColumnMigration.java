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
 */
public record ColumnMigration(String column, MigrationDirection direction, MigrationState state, String shadow,
                              String retained, long rowsDone) {

    /**
     * Whether the column the application names holds plaintext now: before the cut-over of an encryption (and after
     * its rollback), and after the cut-over of a decryption. Cloak then plans statements as if the policy did not
     * list the column, so the application keeps working through every state.
     */
    public boolean columnHoldsPlaintext() {
        boolean cutOver = state.isCutOver();
        return direction == MigrationDirection.ENCRYPT ? !cutOver : cutOver;
    }

    /** The migration with another state. */
    public ColumnMigration withState(MigrationState next) {
        return new ColumnMigration(column, direction, next, shadow, retained, rowsDone);
    }
}
