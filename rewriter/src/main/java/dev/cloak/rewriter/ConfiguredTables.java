package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;

/**
 * The policy's configured tables, and the views over them that Cloak knows, as parsed SQL names them: whether a
 * relation is configured, its encrypted columns (a view's are the base columns whose cells it shows), and the name
 * a refusal message gives it (the policy's spelling, never the SQL text's).
 */
final class ConfiguredTables {

    /** What a message says when the configured table cannot be named. */
    static final String NOT_LOCATED = "(not located)";

    private final EncryptedSchema schema;
    private final KnownViews views;

    ConfiguredTables(EncryptedSchema schema) {
        this(schema, KnownViews.NONE);
    }

    ConfiguredTables(EncryptedSchema schema, KnownViews views) {
        this.schema = schema;
        this.views = views;
    }

    /** Whether the relation is a configured table or a known view over configured tables. */
    boolean isConfigured(Table table) {
        return table != null && table.getName() != null
                && (schema.isConfiguredTable(table.getSchemaName(), table.getName()) || view(table) != null);
    }

    /** The known view a relation names, or null when it names a table of the policy or no known view. */
    KnownView view(Table table) {
        if (views.isEmpty() || schema.isConfiguredTable(table.getSchemaName(), table.getName())) {
            return null;
        }
        return views.find(table);
    }

    /** Whether an unqualified name, such as a WITH item's, is also the name of a configured table or known view. */
    boolean isConfiguredName(String name) {
        return schema.isConfiguredTable(null, name) || views.find(new Table(name)) != null;
    }

    /** Whether a text may name a configured table or known view (a quick word test that may say yes wrongly). */
    boolean mayMention(String text) {
        return schema.mayMention(text) || views.mayMention(text);
    }

    /** The configured table or known view a text may name, for a message; {@link #NOT_LOCATED} when none. */
    String mentioned(String text) {
        String table = schema.mentionedTable(text);
        String view = table == null ? views.mentioned(text) : null;
        return table != null ? table : view != null ? view : NOT_LOCATED;
    }

    /** The names of the configured tables and known views, in lower case as the policy and the catalog give them. */
    Set<String> lowerCaseNames() {
        Set<String> names = new HashSet<>(schema.lowerCaseTableNames());
        names.addAll(views.byLowerCaseName().keySet());
        return names;
    }

    boolean anyIn(StatementWalk walk) {
        return walk.tables.stream().anyMatch(this::isConfigured);
    }

    /** The encrypted column {@code columnName} of {@code table}; null for a plain column or unconfigured table. */
    EncryptedColumn column(Table table, String columnName) {
        KnownView view = view(table);
        if (view != null) {
            return columnName == null ? null : view.encryptedByLowerCaseName().get(Identifiers.key(columnName));
        }
        return schema.find(table.getSchemaName(), table.getName(), columnName).orElse(null);
    }

    /**
     * The encrypted columns of the configured tables (not views) among {@code relations}: those whose keys are best
     * made before a DDL statement locks the tables ({@link StatementPlan#lockedColumns}).
     */
    List<EncryptedColumn> tableColumns(List<Table> relations) {
        List<EncryptedColumn> columns = new ArrayList<>();
        for (Table relation : relations) {
            if (isConfigured(relation) && view(relation) == null) {
                columns.addAll(columnsOf(relation));
            }
        }
        return columns;
    }

    /** The relation's encrypted columns by lower-case name: a view's by the view's own names. */
    Map<String, EncryptedColumn> namedColumnsOf(Table table) {
        KnownView view = view(table);
        if (view != null) {
            return view.encryptedByLowerCaseName();
        }
        Map<String, EncryptedColumn> named = new LinkedHashMap<>();
        for (EncryptedColumn column : schema.columnsOf(table.getSchemaName(), table.getName())) {
            named.put(Identifiers.key(column.column()), column);
        }
        return named;
    }

    List<EncryptedColumn> columnsOf(Table table) {
        KnownView view = view(table);
        if (view != null) {
            return List.copyOf(view.encryptedByLowerCaseName().values());
        }
        return schema.columnsOf(table.getSchemaName(), table.getName());
    }

    /**
     * The first encrypted column of {@code table} that {@code text} names as a word or quoted identifier, in any
     * dialect's reading, or null: DDL text that names one would have the database compute over its ciphertext.
     */
    EncryptedColumn encryptedColumnNamedIn(Table table, String text) {
        for (EncryptedColumn column : columnsOf(table)) {
            if (!SqlText.countIdentifiers(text, Set.of(column.column().toLowerCase(Locale.ROOT))).isEmpty()) {
                return column;
            }
        }
        return null;
    }

    /**
     * The relation's encrypted columns by lower-case name, as {@code *} over it yields them: the one place a
     * statement reads or writes a relation, so a view Cloak cannot map is refused here.
     */
    Map<String, EncryptedColumn> byLowerCaseName(Table table) {
        KnownView view = view(table);
        if (view != null) {
            if (!view.mappable()) {
                throw view.rejection();
            }
            return view.encryptedByLowerCaseName();
        }
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
        KnownView view = view(table);
        if (view != null) {
            return view.displayName();
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
