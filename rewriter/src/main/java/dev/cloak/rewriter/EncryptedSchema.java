package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The encrypted columns of a policy, with SQL identifier matching (unquoted policy names match
 * case-insensitively, quoted ones exactly; a policy column without schema matches any schema, one with a
 * schema matches SQL naming that schema or none).
 */
public final class EncryptedSchema {

    private final Map<String, List<EncryptedColumn>> byLowerCaseTable;
    private final Set<String> wordTableNames;
    private final List<String> otherTableNames;

    private EncryptedSchema(Map<String, List<EncryptedColumn>> byLowerCaseTable) {
        this.byLowerCaseTable = byLowerCaseTable;
        Set<String> words = new HashSet<>();
        List<String> others = new ArrayList<>();
        for (String table : byLowerCaseTable.keySet()) {
            if (!table.isEmpty() && table.chars().allMatch(c -> SqlText.isWordChar((char) c))) {
                words.add(table);
            } else {
                others.add(table);
            }
        }
        this.wordTableNames = Set.copyOf(words);
        this.otherTableNames = List.copyOf(others);
    }

    /** Builds the schema from the policy's encrypted columns. */
    public static EncryptedSchema of(Collection<EncryptedColumn> columns) {
        Map<String, List<EncryptedColumn>> byTable = new LinkedHashMap<>();
        for (EncryptedColumn column : columns) {
            byTable.computeIfAbsent(column.table().toLowerCase(Locale.ROOT), t -> new ArrayList<>()).add(column);
        }
        Map<String, List<EncryptedColumn>> frozen = new HashMap<>();
        byTable.forEach((table, list) -> frozen.put(table, List.copyOf(list)));
        return new EncryptedSchema(Map.copyOf(frozen));
    }

    /** Cheap scan, no parse: false only when the SQL text certainly names no configured table. */
    public boolean mayMention(String sql) {
        if (byLowerCaseTable.isEmpty()) {
            return false;
        }
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (!SqlText.isWordChar(c)) {
                // PostgreSQL U&"..." identifiers can spell a table name with escapes: assume a mention
                if (c == '&' && i > 0 && (sql.charAt(i - 1) == 'U' || sql.charAt(i - 1) == 'u')
                        && i + 1 < length && (sql.charAt(i + 1) == '"' || sql.charAt(i + 1) == '\'')) {
                    return true;
                }
                i++;
                continue;
            }
            int start = i;
            while (i < length && SqlText.isWordChar(sql.charAt(i))) {
                i++;
            }
            if (i - start <= 128 && wordTableNames.contains(sql.substring(start, i).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        if (!otherTableNames.isEmpty()) {
            String lower = sql.toLowerCase(Locale.ROOT);
            for (String table : otherTableNames) {
                if (lower.contains(table)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Finds the encrypted column a SQL reference names.
     *
     * @param schema the SQL schema identifier (quoted or not), or {@code null} when the SQL names none
     * @param table  the SQL table identifier, quoted or not
     * @param column the SQL column identifier, quoted or not
     */
    public Optional<EncryptedColumn> find(String schema, String table, String column) {
        if (table == null || column == null) {
            return Optional.empty();
        }
        for (EncryptedColumn candidate : candidates(table)) {
            if (tableMatches(candidate, schema, table)
                    && Identifiers.matches(candidate.column(), candidate.quoted(), column)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether the SQL table reference names a table that has encrypted columns. */
    public boolean isConfiguredTable(String schema, String table) {
        return !columnsOf(schema, table).isEmpty();
    }

    /** The encrypted columns of the table a SQL reference names (empty when it is not configured). */
    List<EncryptedColumn> columnsOf(String schema, String table) {
        if (table == null) {
            return List.of();
        }
        List<EncryptedColumn> found = new ArrayList<>();
        for (EncryptedColumn candidate : candidates(table)) {
            if (tableMatches(candidate, schema, table)) {
                found.add(candidate);
            }
        }
        return found;
    }

    private List<EncryptedColumn> candidates(String table) {
        return byLowerCaseTable.getOrDefault(Identifiers.unquote(table).toLowerCase(Locale.ROOT), List.of());
    }

    private static boolean tableMatches(EncryptedColumn candidate, String schema, String table) {
        if (!Identifiers.matches(candidate.table(), candidate.quoted(), table)) {
            return false;
        }
        return candidate.schema() == null || schema == null
                || Identifiers.matches(candidate.schema(), candidate.quoted(), schema);
    }

    @Override
    public String toString() {
        return "EncryptedSchema[tables=" + byLowerCaseTable.size() + "]";
    }
}
