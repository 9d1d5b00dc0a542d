package dev.cloak.rewriter;

import java.util.Objects;

/**
 * One way a statement uses an encrypted column besides reading it into its result: what the driver's access policy
 * decides on before the statement is sent, since a lookup or a comparison tells a principal about values it may not
 * read. {@link #toString()} names the column and the use, never a value.
 *
 * @param column the encrypted column
 * @param kind   how the statement uses it
 */
public record ColumnUse(EncryptedColumn column, Kind kind) {

    /** How a statement uses an encrypted column. */
    public enum Kind {
        /** Compared with a value the driver encrypts: {@code = ?}, {@code <> ?}, {@code IN (?, ...)}, literals. */
        LOOKUP("look up by value"),
        /** Given a value the driver encrypts: INSERT values, UPDATE SET, an upsert's SET, {@code SELECT ?} copied. */
        WRITE("write"),
        /**
         * Compared by the database with its own cells or another column's: a join, {@code IN (SELECT ...)}, GROUP BY,
         * DISTINCT, {@code COUNT(DISTINCT)}, UNION, an ON CONFLICT target.
         */
        COMPARE("compare, group or join on"),
        /** Copied by the database into another column: {@code INSERT ... SELECT}, {@code SET a = b}, EXCLUDED. */
        COPY("copy"),
        /** Tested with {@code IS [NOT] NULL}. */
        NULL_TEST("test for NULL");

        private final String verb;

        Kind(String verb) {
            this.verb = verb;
        }

        /** What the use is, as a message says it: "Principal p may not {verb} encrypted column c". */
        public String verb() {
            return verb;
        }
    }

    /** Checks that both are given. */
    public ColumnUse {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String toString() {
        return kind + " " + column.name();
    }
}
