package dev.cloak.rewriter;

/**
 * The physical table a {@code *} or {@code t.*} result item covers, as the SQL text names it (quotes kept), so
 * the driver can ask the database's metadata how many result columns the item spans.
 *
 * @param schema the schema as written, or {@code null} when the SQL names none
 * @param table  the table as written
 */
public record StarTable(String schema, String table) {
}
