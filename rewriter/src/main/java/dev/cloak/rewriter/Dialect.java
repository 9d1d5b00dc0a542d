package dev.cloak.rewriter;

import java.util.Locale;
import java.util.Optional;

/**
 * The SQL dialect of the target database, which decides the binary type DDL rewriting gives an encrypted
 * column.
 */
public enum Dialect {

    /** PostgreSQL: {@code bytea}, which has no declared length. */
    POSTGRESQL,
    /** MariaDB and MySQL: {@code VARBINARY(n)}, {@code BLOB} over 16,000 bytes, {@code LONGBLOB} over 65,535. */
    MARIADB,
    /** H2: {@code VARBINARY(n)}, or {@code VARBINARY} when the size is unbounded. */
    H2;

    /** Largest cell MariaDB keeps in a VARBINARY column before BLOB (row size stays under its 65,535-byte limit). */
    static final int MARIADB_MAX_VARBINARY = 16_000;
    /** A BLOB holds at most this many bytes; larger or unbounded cells need LONGBLOB. */
    static final int MARIADB_MAX_BLOB = 65_535;

    /**
     * The dialect of a database product name (as {@code DatabaseMetaData.getDatabaseProductName()} gives it), a
     * JDBC URL scheme ({@code postgresql}, {@code jdbc:h2}) or a dialect name, in any case.
     *
     * @return the dialect, or empty when Cloak does not know the database
     */
    public static Optional<Dialect> of(String productOrScheme) {
        String name = productOrScheme == null ? "" : productOrScheme.toLowerCase(Locale.ROOT);
        if (name.contains("postgres")) {
            return Optional.of(POSTGRESQL);
        }
        if (name.contains("mariadb") || name.contains("mysql")) {
            return Optional.of(MARIADB);
        }
        return name.equals("h2") || name.startsWith("jdbc:h2") ? Optional.of(H2) : Optional.empty();
    }

    /**
     * The binary type for a cell of at most {@code bytes} bytes ({@code -1}: unbounded).
     *
     * @return the type name and, when it takes one, its length argument
     */
    String[] binaryType(long bytes) {
        return switch (this) {
            case POSTGRESQL -> new String[] {"bytea"};
            case MARIADB -> bytes < 0 || bytes > MARIADB_MAX_BLOB ? new String[] {"LONGBLOB"}
                    : bytes > MARIADB_MAX_VARBINARY ? new String[] {"BLOB"}
                    : new String[] {"VARBINARY", Long.toString(bytes)};
            case H2 -> bytes < 0 ? new String[] {"VARBINARY"} : new String[] {"VARBINARY", Long.toString(bytes)};
        };
    }
}
