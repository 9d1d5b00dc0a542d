package dev.cloak.rewriter;

import java.util.Map;

/** One item of a statement's result list, telling the driver which result columns to decrypt. */
public sealed interface Projection {

    /**
     * One result column.
     *
     * @param column the encrypted column it reads, or {@code null} when the result is not an encrypted column
     */
    record Column(EncryptedColumn column) implements Projection {
    }

    /**
     * {@code *} or {@code t.*} over one configured table: the driver maps result columns by name.
     *
     * @param encryptedByLowerCaseName the table's encrypted columns keyed by lower-case column name
     */
    record AllColumns(Map<String, EncryptedColumn> encryptedByLowerCaseName) implements Projection {

        /** Copies the map so the projection stays immutable. */
        public AllColumns {
            encryptedByLowerCaseName = Map.copyOf(encryptedByLowerCaseName);
        }
    }
}
