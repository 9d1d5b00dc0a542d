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
     * The partition key of a partitioned table, as the database prints it ({@code RANGE (ts)}, MariaDB's
     * {@code RANGE COLUMNS (`ts`)}): a partition's bounds, given apart from the key ({@code PARTITION OF t FOR VALUES
     * …}), pass only when the key reads no encrypted column.
     *
     * @param schema the schema as the SQL text names it (quotes kept), or null for the connection's own
     * @param table  the table as the SQL text names it (quotes kept)
     * @return the key's method and columns or expression; empty when the table is not partitioned; null when the
     *     table cannot be found or the catalog cannot be read
     */
    default String partitionKey(String schema, String table) {
        return null;
    }

    /**
     * The language and source of the PostgreSQL function {@code name()} without arguments (a trigger function), as
     * the catalog keeps them: a trigger on a configured table passes only when its function's body cannot touch
     * an encrypted value.
     *
     * @param name the function's name as the SQL text writes it (quotes kept, schema-qualified or not)
     * @return the function, with a null language when there is no such function; null when the catalog cannot be
     *     read or does not know functions
     */
    default FunctionSource triggerFunction(String name) {
        return null;
    }

    /**
     * The tables whose triggers run the PostgreSQL function {@code name()}: replacing its body may not give a
     * trigger of a configured table a body that touches encrypted values.
     *
     * @param name the function's name as the SQL text writes it (quotes kept, schema-qualified or not)
     * @return the tables (none when the function does not exist or runs no trigger); null when the catalog cannot
     *     be read or does not know triggers
     */
    default List<Relation> triggerTables(String name) {
        return null;
    }

    /**
     * A function's language and source.
     *
     * @param language the language's name ({@code plpgsql}), or null when there is no such function
     * @param source   the body as the catalog keeps it
     */
    record FunctionSource(String language, String source) {
    }

    /**
     * A table, as the catalog names it.
     *
     * @param schema its schema
     * @param table  its name
     */
    record Relation(String schema, String table) {
    }

    /**
     * Every view of the database the connection can see, with its columns and its defining query as the database
     * keeps them.
     *
     * @return the views, or null when they cannot be read
     */
    List<ViewDefinition> views();
}
