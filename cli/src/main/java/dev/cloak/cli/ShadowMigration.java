package dev.cloak.cli;

import com.google.crypto.tink.DeterministicAead;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.migration.ColumnMigration;
import dev.cloak.driver.internal.migration.MigrationDirection;
import dev.cloak.driver.internal.migration.MigrationState;
import dev.cloak.driver.internal.migration.MigrationStore;
import dev.cloak.keyring.store.ConnectionSource;
import dev.cloak.keyring.store.DatabaseStates;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The steps of {@code cloak migrate encrypt}, {@code decrypt} and {@code rekey} on one column: prepare, backfill,
 * verify, cut over, finish and rollback, each moving the column's row of {@code cloak_migrations} from one state to
 * the next with compare-and-set. See {@link ShadowSchema} for the invariant the trigger keeps and README "Encrypting
 * an existing column" for what each state means for running applications.
 */
final class ShadowMigration {

    private static final int LOCK_ATTEMPTS = 5;
    /** How long statements whose state was read just before the cut-over locked it get to run before the renames. */
    private static final Duration GRACE = Duration.ofMillis(500);

    private final MigratedColumn m;
    private final CellCodec codec;
    private final ConnectionSource connections;
    private final MigrationDirection direction;
    private final PrintWriter out;
    private final ShadowSchema schema;
    private final Duration ttl;
    private final RekeyKeys keys;

    /**
     * What a re-key needs of the column's key domain beyond the codec: a new version staged beside the active one,
     * the primitive of one version, and the new version made active when the migration finishes.
     */
    interface RekeyKeys {
        /** Stages a new version: {@code {active version, staged version}} (Tink key ids). */
        int[] stage() throws Exception;

        /** The primitive of key version {@code keyId} alone (it encrypts under that version). */
        DeterministicAead version(int keyId) throws Exception;

        /** Makes {@code keyId} the domain's active version. */
        void activate(int keyId) throws Exception;
    }

    /** @param ttl the policy's key cache TTL: how long running instances may plan with a state they read */
    ShadowMigration(MigratedColumn column, CellCodec codec, ConnectionSource connections, MigrationDirection direction,
                    Duration ttl, PrintWriter out) {
        this(column, codec, connections, direction, ttl, out, null);
    }

    /** @param keys for a re-key, its key versions; null for an encryption or decryption */
    ShadowMigration(MigratedColumn column, CellCodec codec, ConnectionSource connections, MigrationDirection direction,
                    Duration ttl, PrintWriter out, RekeyKeys keys) {
        this.keys = keys;
        this.m = column;
        this.codec = codec;
        this.connections = connections;
        this.direction = direction;
        this.out = out;
        this.schema = new ShadowSchema(column);
        this.ttl = ttl;
    }

    private String name() {
        return m.policy().name();
    }

    /** The migration's row, or empty before it was prepared. */
    Optional<ColumnMigration> current() throws SQLException {
        try (Connection c = connections.open()) {
            return MigrationStore.find(c, name());
        }
    }

    /**
     * Adds the shadow column, the trigger and the copies of the column's indexes, and records the migration.
     *
     * @param shadowType the shadow's SQL type for a decryption (plaintext); null for an encryption (sized here)
     */
    void prepare(String shadowType) throws Exception {
        try (Connection c = connections.open()) {
            c.setAutoCommit(true);
            MigrationStore.createTables(c);
            Optional<ColumnMigration> existing = MigrationStore.find(c, name());
            boolean restart = existing.isPresent() && (existing.get().state() == MigrationState.ROLLED_BACK
                    || startsAfter(existing.get(), direction));
            if (restart) {
                MigrationStore.delete(c, name());
                existing = Optional.empty();
            } else if (existing.isPresent() && existing.get().state() != MigrationState.PREPARED) {
                throw new IllegalStateException("column " + name() + " is already being migrated (state "
                        + existing.get().state().storedName() + "): run the next step, or `cloak migrate rollback`");
            }
            Map<String, ShadowSchema.Index> indexes = schema.indexesOn(c, m.column());
            boolean randomized = m.policy().mode() == EncryptionMode.RANDOMIZED;
            if (direction == MigrationDirection.ENCRYPT && randomized
                    && indexes.values().stream().anyMatch(ShadowSchema.Index::unique)) {
                throw new IllegalArgumentException("column " + name() + " has a unique index but is randomized in the "
                        + "policy: randomized cells of equal values differ, so the database could not keep it unique. "
                        + "Make the column deterministic in the policy, or drop the unique index first");
            }
            if (existing.isPresent() && existing.get().direction() != direction) {
                throw new IllegalStateException("column " + name() + " is being migrated the other way ("
                        + existing.get().direction().storedName() + "): `cloak migrate rollback` it first");
            }
            String type = shadowType != null ? shadowType
                    : rekey() ? schema.cellColumnType(c) : schema.cellType(schema.declaredType(c));
            if (existing.isEmpty()) {
                Integer from = null;
                Integer to = null;
                if (rekey()) {
                    int[] versions = keys.stage();
                    from = versions[0];
                    to = versions[1];
                    out.println("staged key version " + Integer.toUnsignedString(to) + " of key domain "
                            + m.policy().keyDomain() + " beside active version " + Integer.toUnsignedString(from)
                            + ": it decrypts, and encrypts only the shadow until the cut-over");
                }
                MigrationStore.insert(c, new ColumnMigration(name(), direction, MigrationState.PREPARED, m.shadow(),
                        m.retained(), 0, from, to));
            }
            if (!schema.hasColumn(c, m.shadow())) {
                schema.addShadow(c, type);
            }
            schema.dropTrigger(c, m.column(), m.shadow());
            schema.createTrigger(c, m.column(), m.shadow());
            int copied = 0;
            if (direction == MigrationDirection.DECRYPT || !randomized) {
                Map<String, ShadowSchema.Index> existingCopies = schema.indexesOn(c, m.shadow());
                indexes.keySet().removeIf(n -> existingCopies.containsKey(schema.shadowIndexName(n)));
                copied = schema.copyIndexes(c, indexes).size();
            }
            out.println("prepared " + name() + ": shadow column " + m.shadow() + " (" + type + "), trigger "
                    + m.objectName("cloak_mig") + ", " + copied + " index(es) copied onto the shadow");
        }
    }

    /** Fills the shadow of every row (resuming from the checkpoints), then catches up rows changed meanwhile. */
    void backfill(int threads, int batchSize, long maxRowsPerSecond) throws Exception {
        ColumnMigration now = require(MigrationState.PREPARED, MigrationState.BACKFILLING);
        if (now.state() == MigrationState.PREPARED) {
            move(MigrationState.PREPARED, MigrationState.BACKFILLING);
        }
        ShadowFill fill = forwardFill();
        long written = new ShadowBackfill(m, fill, connections, batchSize, threads, maxRowsPerSecond, out)
                .run(m.column(), m.shadow());
        long caughtUp;
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            caughtUp = fill.catchUp(c, batchSize, true);
        }
        move(MigrationState.BACKFILLING, MigrationState.BACKFILLED);
        out.println("backfilled " + name() + ": " + written + " rows written by this run, " + caughtUp
                + " changed meanwhile caught up");
    }

    /** Checks every row's shadow; true when all hold their value (rows changed meanwhile are filled first). */
    boolean verify(int batchSize) throws SQLException {
        require(MigrationState.BACKFILLED, MigrationState.VERIFIED);
        ShadowFill fill = forwardFill();
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            fill.catchUp(c, batchSize, true);
            String plain = direction == MigrationDirection.ENCRYPT ? m.column() : m.shadow();
            String cells = direction == MigrationDirection.ENCRYPT ? m.shadow() : m.column();
            ShadowVerification.Outcome o = rekey()
                    ? new ShadowVerification(m, codec, current().orElseThrow().toVersion()).run(c, m.column(),
                            m.shadow(), true)
                    : new ShadowVerification(m, codec).run(c, plain, cells, direction == MigrationDirection.ENCRYPT);
            out.println("verified " + name() + ": " + o.rows() + " rows, " + o.bad() + " wrong, " + o.pending()
                    + " changed since the catch-up (the cut-over fills them under its lock)");
            if (o.bad() > 0) {
                out.println("rows whose shadow does not hold their value (primary key " + m.key() + "): "
                        + o.badKeys() + (o.bad() > o.badKeys().size() ? " …" : "")
                        + "; roll back with `cloak migrate rollback " + name() + "` and start again");
                return false;
            }
        }
        if (current().orElseThrow().state() == MigrationState.BACKFILLED) {
            move(MigrationState.BACKFILLED, MigrationState.VERIFIED);
        }
        return true;
    }

    /**
     * Gives the shadow the column's name under the table's lock, after filling the last rows changed meanwhile: on
     * PostgreSQL one transaction (its DDL is transactional), on MariaDB one ALTER TABLE under LOCK TABLES, on H2 in
     * exclusive mode. The state changes with it.
     */
    void cutOver(int batchSize) throws Exception {
        if (require(MigrationState.VERIFIED, MigrationState.CUTTING_OVER).state() == MigrationState.VERIFIED) {
            awaitInstances();
        } else {
            move(MigrationState.CUTTING_OVER, MigrationState.VERIFIED); // a cut-over that stopped half-way, again
        }
        ShadowFill fill = forwardFill();
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            fill.catchUp(c, batchSize, true); // outside the lock, so the locked pass is short
        }
        // from now on every instance waits for the renames before it plans a statement; those that read the state
        // just before get GRACE to reach the server
        move(MigrationState.VERIFIED, MigrationState.CUTTING_OVER);
        Thread.sleep(GRACE.toMillis());
        boolean cellsInto = direction == MigrationDirection.ENCRYPT;
        ShadowSchema.Check check = rekey() ? ShadowSchema.Check.ADD_KEY_VERSION
                : cellsInto ? ShadowSchema.Check.ADD_CELL : ShadowSchema.Check.DROP_CELL;
        int toVersion = rekey() ? current().orElseThrow().toVersion() : 0;
        locked((c, state, f) -> {
            String shadowType = schema.typeOf(c, m.shadow());
            String columnType = schema.typeOf(c, m.column());
            boolean notNull = !schema.nullable(c, m.column());
            f.catchUp(c, batchSize, false);
            long left = f.pending(c, m.column(), m.shadow());
            if (left != 0) {
                throw new IllegalStateException(left + " rows of " + name() + " have no shadow under the lock: "
                        + "nothing was changed; run the cut-over again");
            }
            schema.dropTrigger(c, m.column(), m.shadow());
            schema.swap(c, m.column(), m.shadow(), m.retained(), shadowType, columnType, notNull, check, toVersion);
            schema.createTrigger(c, m.column(), m.retained());
            // last, in the same transaction or lock: every instance's read of the state waits for the lock to end
            MigrationStore.move(state, name(), MigrationState.CUTTING_OVER, MigrationState.CUT_OVER);
        }, fill, () -> move(MigrationState.CUTTING_OVER, MigrationState.VERIFIED));
        out.println("cut over " + name() + ": column " + m.column() + " now holds "
                + (rekey() ? "cells under key version " + Integer.toUnsignedString(toVersion)
                        : cellsInto ? "cells" : "plaintext")
                + "; the old column is kept as " + m.retained() + " until `cloak migrate finish`");
    }

    /** Drops the retained column (and its indexes and the trigger): the end, nothing can be rolled back after it. */
    void finish() throws Exception {
        ColumnMigration now = require(MigrationState.CUT_OVER);
        if (rekey()) {
            // every instance pins the new version from the cut-over on; the keyring now says so too
            keys.activate(now.toVersion());
            out.println("activated key version " + Integer.toUnsignedString(now.toVersion()) + " of key domain "
                    + m.policy().keyDomain() + "; version " + Integer.toUnsignedString(now.fromVersion())
                    + " is decrypt-only (retire or destroy it with `cloak keys` once nothing else holds its cells)");
        }
        try (Connection c = connections.open()) {
            c.setAutoCommit(true);
            schema.dropTrigger(c, m.column(), m.retained());
            if (rekey()) {
                schema.dropKeyVersionCheck(c);
            }
            for (String index : schema.indexesOn(c, m.retained()).keySet()) {
                schema.dropIndex(c, index);
            }
            schema.dropColumn(c, m.retained());
            MigrationStore.move(c, name(), MigrationState.CUT_OVER, MigrationState.FINISHED);
            MigrationStore.deleteRanges(c, name());
        }
        out.println("finished " + name() + ": column " + m.retained() + " dropped");
    }

    /** Back to the column as it was, from any state before {@link #finish}. */
    void rollback(int batchSize) throws Exception {
        ColumnMigration now = current().orElseThrow(() -> new IllegalStateException("column " + name()
                + " has no migration to roll back"));
        switch (now.state()) {
            case FINISHED -> throw new IllegalStateException("the migration of " + name() + " is finished: the old "
                    + "column was dropped, so it cannot be rolled back (migrate the other way instead)");
            case ROLLED_BACK -> {
                out.println(name() + " is rolled back already");
                return;
            }
            case CUT_OVER, ROLLING_BACK -> {
                if (now.state() == MigrationState.ROLLING_BACK) {
                    move(MigrationState.ROLLING_BACK, MigrationState.CUT_OVER); // an interrupted rollback, again
                }
                rollbackCutOver(batchSize);
            }
            default -> rollbackShadow(now.state());
        }
        out.println("rolled back " + name() + ": the column is as before the migration");
    }

    private void rollbackShadow(MigrationState from) throws SQLException {
        try (Connection c = connections.open()) {
            c.setAutoCommit(true);
            schema.dropTrigger(c, m.column(), m.shadow());
            if (schema.hasColumn(c, m.shadow())) {
                for (String index : schema.indexesOn(c, m.shadow()).keySet()) {
                    schema.dropIndex(c, index);
                }
                schema.dropColumn(c, m.shadow());
            }
            MigrationStore.move(c, name(), from, MigrationState.ROLLED_BACK);
            MigrationStore.deleteRanges(c, name());
        }
    }

    /** After the cut-over: fill the retained column from the rows written since, then rename back under the lock. */
    private void rollbackCutOver(int batchSize) throws Exception {
        move(MigrationState.CUT_OVER, MigrationState.ROLLING_BACK);
        awaitInstances();
        ShadowFill back = rekey()
                ? new ShadowFill(m, codec, m.column(), m.retained(),
                        keys.version(current().orElseThrow().fromVersion()))
                : new ShadowFill(m, codec, m.column(), m.retained(), direction != MigrationDirection.ENCRYPT);
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            back.catchUp(c, batchSize, true);
        }
        boolean cellsInto = direction != MigrationDirection.ENCRYPT;
        ShadowSchema.Check check = rekey() ? ShadowSchema.Check.DROP_KEY_VERSION
                : cellsInto ? ShadowSchema.Check.ADD_CELL : ShadowSchema.Check.DROP_CELL;
        locked((c, state, f) -> {
            String retainedType = schema.typeOf(c, m.retained());
            String columnType = schema.typeOf(c, m.column());
            boolean notNull = !schema.nullable(c, m.column());
            f.catchUp(c, batchSize, false);
            long left = f.pending(c, m.column(), m.retained());
            if (left != 0) {
                throw new IllegalStateException(left + " rows of " + name() + " have no copy under the lock: "
                        + "nothing was changed; run the rollback again");
            }
            schema.dropTrigger(c, m.column(), m.retained());
            if (check == ShadowSchema.Check.DROP_CELL) {
                schema.dropCellCheck(c);
            }
            schema.swap(c, m.column(), m.retained(), m.shadow(), retainedType, columnType, notNull, check, 0);
            MigrationStore.move(state, name(), MigrationState.ROLLING_BACK, MigrationState.VERIFIED);
        }, back, () -> { });
        rollbackShadow(MigrationState.VERIFIED);
    }

    /**
     * Waits one key cache TTL after a state that makes every instance read the state before each statement, so
     * all of them do when the layout changes.
     */
    private void awaitInstances() throws InterruptedException {
        out.println("waiting " + ttl.toMillis() + " ms (keyring.cache.ttl) until every running instance reads the "
                + "state before each statement");
        out.flush();
        Thread.sleep(ttl.toMillis());
    }

    /** Work done while the table is locked against the application; {@code state} writes cloak_migrations. */
    @FunctionalInterface
    private interface LockedWork {
        void run(Connection connection, Connection state, ShadowFill fill) throws Exception;
    }

    /**
     * Runs {@code work} with the table locked; PostgreSQL waits at most 10 s per try for the lock. When it fails for
     * good, {@code undo} puts the state back as it was before the step began.
     */
    private void locked(LockedWork work, ShadowFill fill, Undo undo) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connections.open()) {
                try {
                    lockAndRun(c, work, fill);
                    return;
                } catch (SQLException e) {
                    if (!DatabaseStates.isLockTimeout(e) || attempt == LOCK_ATTEMPTS) {
                        undo(undo, e);
                        throw e;
                    }
                    out.println("the lock on " + m.table() + " was not granted in time (attempt " + attempt + " of "
                            + LOCK_ATTEMPTS + "): trying again");
                    out.flush();
                } catch (Exception e) {
                    undo(undo, e);
                    throw e;
                }
            }
        }
    }

    /** Puts the state back after a locked step failed; a failure to do so is added to the step's. */
    private static void undo(Undo undo, Exception failure) {
        try {
            undo.run();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** What puts the state back when a locked step fails. */
    @FunctionalInterface
    private interface Undo {
        void run() throws SQLException;
    }

    /**
     * Locks table cloak_migrations first, so every instance's read of the state waits from now on, then lets the
     * statements whose state was read just before run ({@link #GRACE}), then locks the table and does the work.
     */
    private void lockAndRun(Connection c, LockedWork work, ShadowFill fill) throws Exception {
        switch (m.dialect()) {
            case POSTGRESQL -> {
                c.setAutoCommit(false);
                try {
                    ShadowSchema.execute(c, "SET LOCAL lock_timeout = '10s'");
                    ShadowSchema.execute(c, "LOCK TABLE cloak_migrations IN ACCESS EXCLUSIVE MODE");
                    Thread.sleep(GRACE.toMillis());
                    ShadowSchema.execute(c, "LOCK TABLE " + m.table() + " IN ACCESS EXCLUSIVE MODE");
                    work.run(c, c, fill);
                    c.commit();
                } catch (Exception e) {
                    c.rollback();
                    throw e;
                }
            }
            case MARIADB -> {
                // LOCK TABLES takes all of a session's locks at once: the state's lock is held by a second session
                try (Connection state = connections.open()) {
                    state.setAutoCommit(true);
                    ShadowSchema.execute(state, "SET SESSION lock_wait_timeout = 10");
                    ShadowSchema.execute(state, "LOCK TABLES cloak_migrations WRITE");
                    try {
                        Thread.sleep(GRACE.toMillis());
                        c.setAutoCommit(true);
                        ShadowSchema.execute(c, "SET SESSION lock_wait_timeout = 10");
                        ShadowSchema.execute(c, "LOCK TABLES " + m.table() + " WRITE");
                        try {
                            work.run(c, state, fill);
                        } finally {
                            ShadowSchema.execute(c, "UNLOCK TABLES");
                        }
                    } finally {
                        ShadowSchema.execute(state, "UNLOCK TABLES");
                    }
                }
            }
            case H2 -> {
                ShadowSchema.execute(c, "SET EXCLUSIVE 1");
                try {
                    c.setAutoCommit(false);
                    work.run(c, c, fill);
                    c.commit();
                } catch (Exception e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                    ShadowSchema.execute(c, "SET EXCLUSIVE 0");
                }
            }
            default -> throw new IllegalStateException("unreachable");
        }
    }

    /** The fill from the column into its shadow (before the cut-over). */
    private ShadowFill forwardFill() throws SQLException {
        if (rekey()) {
            try {
                return new ShadowFill(m, codec, m.column(), m.shadow(), keys.version(current().orElseThrow()
                        .toVersion()));
            } catch (SQLException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new SQLException("cannot load the new key version of " + name() + ": " + e.getMessage(), e);
            }
        }
        return new ShadowFill(m, codec, m.column(), m.shadow(), direction == MigrationDirection.ENCRYPT);
    }

    /**
     * Whether a migration in {@code direction} may start after {@code previous}: it is finished and left the column
     * holding what {@code direction} starts from (cells after encrypt and rekey, for decrypt and rekey; plaintext
     * after decrypt, for encrypt).
     */
    static boolean startsAfter(ColumnMigration previous, MigrationDirection direction) {
        if (previous.state() != MigrationState.FINISHED) {
            return false;
        }
        boolean holdsCells = previous.direction() != MigrationDirection.DECRYPT;
        return holdsCells == (direction != MigrationDirection.ENCRYPT);
    }

    /** Whether this is a re-key ({@code cloak migrate rekey}). */
    private boolean rekey() {
        return direction == MigrationDirection.REKEY;
    }

    private ColumnMigration require(MigrationState... allowed) throws SQLException {
        ColumnMigration now = current().orElseThrow(() -> new IllegalStateException("column " + name()
                + " is not being migrated: start with `--step prepare`"));
        for (MigrationState state : allowed) {
            if (now.state() == state) {
                if (now.direction() != direction) {
                    throw new IllegalStateException("column " + name() + " is being migrated the other way ("
                            + now.direction().storedName() + ")");
                }
                return now;
            }
        }
        throw new IllegalStateException("column " + name() + " is in state " + now.state().storedName()
                + ", and this step needs " + Arrays.stream(allowed).map(MigrationState::storedName).toList());
    }

    private void move(MigrationState from, MigrationState to) throws SQLException {
        try (Connection c = connections.open()) {
            c.setAutoCommit(true);
            MigrationStore.move(c, name(), from, to);
        }
    }
}
