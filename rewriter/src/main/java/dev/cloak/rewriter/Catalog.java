package dev.cloak.rewriter;

import java.util.List;

/**
 * What the rewriter may ask the database's catalog, without JDBC: the driver answers it over the connection a
 * statement runs on. {@link SqlRewriter#plan(String, Catalog)} asks it for the columns of a configured table that an
 * {@code INSERT} fills without naming them, and, when the views it knows are due to be read again, for the views.
 */
public interface Catalog {

    /** A catalog that answers nothing: INSERT without a column list is refused and views are never read. */
    Catalog NONE = new Catalog() {
        @Override
        public List<String> columns(String schema, String table) {
            return null;
        }

        @Override
        public List<ViewDefinition> views() {
            return null;
        }
    };

    /**
     * The columns of a table, in their order, as the database spells them.
     *
     * @param schema the schema as the SQL text names it (quotes kept), or null for the connection's own
     * @param table  the table as the SQL text names it (quotes kept)
     * @return the column names, or null when the table cannot be found or the catalog cannot be read
     */
    List<String> columns(String schema, String table);

    /**
     * The columns of a table's primary key, as the database spells them: a {@code SELECT DISTINCT} that lists them
     * beside a randomized column of the table may compare that column's cells, which rows of one key share.
     *
     * @param schema the schema as the SQL text names it (quotes kept), or null for the connection's own
     * @param table  the table as the SQL text names it (quotes kept)
     * @return the key's columns; empty when the table has none; null when the table cannot be found or the catalog
     *     cannot be read
     */
    default List<String> primaryKey(String schema, String table) {
        return null;
    }

    /**
     * Every view of the database the connection can see, with its columns and its defining query as the database
     * keeps them.
     *
     * @return the views, or null when they cannot be read
     */
    List<ViewDefinition> views();
}
