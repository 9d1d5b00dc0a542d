package dev.cloak.driver.internal.migration;

import java.util.Locale;

/**
 * Where a column's migration stands ({@code cloak migrate encrypt} or {@code decrypt}), as table
 * {@code cloak_migrations} records it. Before {@link #CUT_OVER} the column holds what it held before the migration
 * and the shadow column is being filled; from {@link #CUT_OVER} on the shadow has taken the column's name.
 */
public enum MigrationState {
    /** The shadow column exists and a trigger clears a row's shadow whenever the row's column changes. */
    PREPARED,
    /** The shadow is being filled in primary-key order; each range's checkpoint is in cloak_migration_ranges. */
    BACKFILLING,
    /** Every row had its shadow filled once; rows changed since have an empty shadow again. */
    BACKFILLED,
    /**
     * Every row's shadow was read back and holds its column's value. The cut-over comes next: every Cloak instance
     * reads the state before each statement it plans from now on, so none plans for the old layout after it.
     */
    VERIFIED,
    /**
     * The cut-over has begun: the layout is still {@link #VERIFIED}'s, and statements that read the state before
     * this one was written get a moment to reach the server; then the table is locked and the columns renamed. An
     * instance that reads this state waits for the next one before it plans a statement on any column
     * ({@link ColumnMigrations}), so that no statement planned for the old layout is sent after the renames (on H2,
     * whose exclusive mode pauses a statement sent meanwhile and runs it after them, this is the only guard).
     */
    CUTTING_OVER,
    /** The shadow has the column's name; the old column is kept under the retained name. */
    CUT_OVER,
    /** The retained column was dropped: nothing can be rolled back any more. */
    FINISHED,
    /** Rolled back before the retained column was dropped: the column is as before the migration. */
    ROLLED_BACK,
    /**
     * Being rolled back after the cut-over: the layout is still the cut-over's, and the renames back come next (every
     * instance reads the state before each statement it plans, as in {@link #VERIFIED}).
     */
    ROLLING_BACK;

    /** The name stored in cloak_migrations. */
    public String storedName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The state stored as {@code name}. */
    public static MigrationState ofStored(String name) {
        return valueOf(name.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Whether the shadow has taken the column's name. */
    public boolean isCutOver() {
        return this == CUT_OVER || this == FINISHED || this == ROLLING_BACK;
    }

    /** Whether the column's layout changes next: instances then read the state before every statement they plan. */
    public boolean isSwapImminent() {
        return this == VERIFIED || this == CUTTING_OVER || this == ROLLING_BACK;
    }
}
