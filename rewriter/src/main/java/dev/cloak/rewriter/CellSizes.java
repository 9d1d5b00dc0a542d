package dev.cloak.rewriter;

/**
 * How large the stored cell of an encrypted column can get. The driver, which owns the cell format, answers;
 * DDL rewriting declares each encrypted column's binary type that large and knows nothing of ciphertexts.
 */
@FunctionalInterface
public interface CellSizes {

    /**
     * The largest cell of {@code column} in bytes when its values are declared as given, or -1 when they are
     * unbounded.
     *
     * @param column    the encrypted column: its mode and padding
     * @param type      the logical type in lower case ({@code varchar}, {@code int}, {@code decimal}, ...)
     * @param length    the declared characters (varchar) or bytes (bytes); 0 or less when none is declared
     * @param precision the declared decimal digits; 0 or less when none is declared
     * @throws IllegalArgumentException when {@code type} is not a type Cloak encrypts
     */
    long maxCellBytes(EncryptedColumn column, String type, long length, long precision);
}
