package dev.cloak.driver.config;

import dev.cloak.driver.internal.codec.CellFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One encrypted column of the policy: where it is, its logical type, how it is encrypted and which
 * key domain owns its key.
 *
 * @param schema    the schema, or {@code null} when the policy names none (then any schema matches)
 * @param table     the table name as written in the policy (quotes removed)
 * @param column    the column name as written in the policy (quotes removed)
 * @param quoted    whether the policy quoted the names, which makes them match exactly
 * @param type      the logical type
 * @param mode      randomized or deterministic
 * @param keyDomain the {@link #ownDomain()} of the column that owns the key: lower-case {@code table.column}, or
 *                  {@code schema.table.column} when the policy names the owner's schema
 * @param pad        0 for no padding; else every value of up to this many bytes gives a cell of one size (its
 *                   plaintext is a type byte, the value padded to {@code pad} bytes and a padding byte) and a longer
 *                   value is refused (22001); with {@code padBuckets}, the plaintext is padded to the next multiple of
 *                   {@code pad} instead
 * @param size       the declared maximum (characters for varchar, bytes for bytes); 0 for none
 * @param scale      for a decimal column, the scale every value is stored and read with, as in
 *                   {@code NUMERIC(p, s)}; {@link #NO_SCALE} for none
 * @param padBuckets whether {@code pad} rounds the plaintext up to a multiple of it (any length, which then shows
 *                   in which multiple a cell falls) rather than to one fixed size
 * @param cacheEntries for a deterministic column, how many hot values the driver remembers in each direction
 *                   (value to cell, cell to value) so that it encrypts or decrypts them once
 *                   ({@code cache: { entries: N }}); 0 for none
 */
public record ColumnPolicy(String schema, String table, String column, boolean quoted, ColumnType type,
                           EncryptionMode mode, String keyDomain, int pad, int size, int scale, boolean padBuckets,
                           int cacheEntries) {

    /** The {@code scale} of a column that declares none: a decimal keeps the scale it was bound with. */
    public static final int NO_SCALE = -1;
    /** The largest {@code scale} a policy may declare (PostgreSQL's NUMERIC allows 1,000 digits after the point). */
    public static final int MAX_SCALE = 1000;
    /** The largest {@code pad} a policy may declare. */
    public static final int MAX_PAD = 4096;
    /** The most hot values a column's memo may hold ({@code cache: { entries: N }}). */
    public static final int MAX_CACHE_ENTRIES = 1_000_000;

    public ColumnPolicy {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(keyDomain, "keyDomain");
        if (pad < 0 || pad > MAX_PAD) {
            throw new IllegalArgumentException("pad must be between 0 and " + MAX_PAD);
        }
        if (padBuckets && pad == 0) {
            throw new IllegalArgumentException("pad buckets need a pad size");
        }
        String padProblem = padBuckets ? null : CellFormat.fixedPadProblem(type, pad);
        if (padProblem != null) {
            throw new IllegalArgumentException(padProblem);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        if (scale != NO_SCALE && (type != ColumnType.DECIMAL || scale < 0 || scale > MAX_SCALE)) {
            throw new IllegalArgumentException("scale applies to decimal columns only and must be between 0 and "
                    + MAX_SCALE);
        }
        if (cacheEntries < 0 || cacheEntries > MAX_CACHE_ENTRIES) {
            throw new IllegalArgumentException("cache entries must be between 1 and " + MAX_CACHE_ENTRIES);
        }
        if (cacheEntries > 0 && mode != EncryptionMode.DETERMINISTIC) {
            throw new IllegalArgumentException("cache applies to deterministic columns only: a randomized column's"
                    + " cells differ for equal values, so there is nothing to remember");
        }
    }

    /** A column without a hot-value memo. */
    public ColumnPolicy(String schema, String table, String column, boolean quoted, ColumnType type,
                        EncryptionMode mode, String keyDomain, int pad, int size, int scale, boolean padBuckets) {
        this(schema, table, column, quoted, type, mode, keyDomain, pad, size, scale, padBuckets, 0);
    }

    /** A column padded to one fixed size, or not at all. */
    public ColumnPolicy(String schema, String table, String column, boolean quoted, ColumnType type,
                        EncryptionMode mode, String keyDomain, int pad, int size, int scale) {
        this(schema, table, column, quoted, type, mode, keyDomain, pad, size, scale, false);
    }

    /** A column that declares no scale, padded to one fixed size or not at all. */
    public ColumnPolicy(String schema, String table, String column, boolean quoted, ColumnType type,
                        EncryptionMode mode, String keyDomain, int pad, int size) {
        this(schema, table, column, quoted, type, mode, keyDomain, pad, size, NO_SCALE, false);
    }

    /** The name of this column as the policy file writes it: {@code table.column} or {@code schema.table.column}. */
    public String name() {
        return schema == null ? table + "." + column : schema + "." + table + "." + column;
    }

    /**
     * The key domain of a column that owns its key: lower-case {@code schema.table.column} when the policy names a
     * schema, else {@code table.column} (the domain of every column configured before schemas were part of it).
     */
    public String ownDomain() {
        return (schema == null ? table + "." + column : schema + "." + table + "." + column).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return name() + " (" + type.policyName() + ", " + mode.policyName() + ")";
    }
}
