package dev.cloak.rewriter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;

/**
 * The policy's configured tables as parsed SQL names them: whether a table reference is configured, its
 * encrypted columns, and the name a refusal message gives it (the policy's spelling, never the SQL text's).
 */
final class ConfiguredTables {

    /** What a message says when the configured table cannot be named. */
    static final String NOT_LOCATED = "(not located)";

    private final EncryptedSchema schema;

    ConfiguredTables(EncryptedSchema schema) {
        this.schema = schema;
    }

    boolean isConfigured(Table table) {
        return table != null && table.getName() != null
                && schema.isConfiguredTable(table.getSchemaName(), table.getName());
    }

    /** Whether an unqualified name, such as a WITH item's, is also the name of a configured table. */
    boolean isConfiguredName(String name) {
        return schema.isConfiguredTable(null, name);
    }

    boolean anyIn(StatementWalk walk) {
        return walk.tables.stream().anyMatch(this::isConfigured);
    }

    /** The encrypted column {@code columnName} of {@code table}; null for a plain column or unconfigured table. */
    EncryptedColumn column(Table table, String columnName) {
        return schema.find(table.getSchemaName(), table.getName(), columnName).orElse(null);
    }

    List<EncryptedColumn> columnsOf(Table table) {
        return schema.columnsOf(table.getSchemaName(), table.getName());
    }

    /** The table's encrypted columns by lower-case name, as {@code *} over it yields them. */
    Map<String, EncryptedColumn> byLowerCaseName(Table table) {
        Map<String, EncryptedColumn> byName = new LinkedHashMap<>();
        for (EncryptedColumn column : columnsOf(table)) {
            if (byName.putIfAbsent(column.column().toLowerCase(Locale.ROOT), column) != null) {
                throw new Rejection("* over configured table " + policyName(table) + " is ambiguous: two"
                        + " encrypted columns differ only in case; list the columns");
            }
        }
        return byName;
    }

    /** The table as the policy names it when it is configured, else its unquoted SQL name. */
    String policyName(Table table) {
        if (table == null || table.getName() == null) {
            return "(unknown)";
        }
        List<EncryptedColumn> columns = columnsOf(table);
        if (columns.isEmpty()) {
            return Identifiers.unquote(table.getName());
        }
        EncryptedColumn first = columns.get(0);
        return first.schema() == null ? first.table() : first.schema() + "." + first.table();
    }

    /** The policy name of the first configured table the walk met. */
    String firstConfiguredName(StatementWalk walk) {
        return walk.tables.stream().filter(this::isConfigured).findFirst().map(this::policyName)
                .orElse(NOT_LOCATED);
    }

    /** The policy name of the first configured table in the statement, if JSqlParser's walk can visit it. */
    String firstConfiguredName(Statement statement) {
        try {
            return firstConfiguredName(StatementWalk.of(statement));
        } catch (Rejection notWalkable) {
            return NOT_LOCATED;
        }
    }
}
