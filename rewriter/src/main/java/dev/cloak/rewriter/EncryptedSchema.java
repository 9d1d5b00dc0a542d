package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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
    private final NameMentions mentions;

    private EncryptedSchema(Map<String, List<EncryptedColumn>> byLowerCaseTable) {
        this.byLowerCaseTable = byLowerCaseTable;
        this.mentions = new NameMentions(byLowerCaseTable.keySet());
    }

    /** Builds the schema from the policy's encrypted columns. */
    public static EncryptedSchema of(Collection<EncryptedColumn> columns) {
        Map<String, List<EncryptedColumn>> byTable = new LinkedHashMap<>();
        for (EncryptedColumn column : columns) {
            byTable.computeIfAbsent(fold(column.table()), t -> new ArrayList<>()).add(column);
        }
        Map<String, List<EncryptedColumn>> frozen = new HashMap<>();
        byTable.forEach((table, list) -> frozen.put(table, List.copyOf(list)));
        return new EncryptedSchema(Map.copyOf(frozen));
    }

    /** The configured tables' names, folded as the policy's lookups fold them. */
    Set<String> lowerCaseTableNames() {
        return byLowerCaseTable.keySet();
    }

    /** Whether the policy configures any table at all. */
    public boolean isEmpty() {
        return byLowerCaseTable.isEmpty();
    }

    /**
     * Cheap scan, no parse: false only when the SQL text certainly names no configured table. It looks at every
     * word of the raw text, in strings and comments too, and also at the parts a server may read apart from
     * what precedes them: a word without its leading digits ({@code /*!50000patients}) and the pieces between
     * {@code $} signs. Words compare under a case folding broader than any server's (H2 upper-cases {@code ı}
     * to {@code I}, {@code ß} to {@code SS}; MariaDB compares accents away), and every {@code U&} quoted name
     * counts as a mention, since its escapes can spell any name.
     */
    public boolean mayMention(String sql) {
        return mention(sql) != null;
    }

    /**
     * The policy's name of a configured table {@link #mayMention(String)} finds in {@code sql}, for messages;
     * {@code "(a U& quoted name)"} when only a {@code U&} name could spell one; {@code null} when none.
     */
    String mentionedTable(String sql) {
        String key = mention(sql);
        if (key == null || key.isEmpty()) {
            return key == null ? null : "(a U& quoted name)";
        }
        List<EncryptedColumn> columns = byLowerCaseTable.get(key);
        if (columns == null) {
            return key;
        }
        EncryptedColumn first = columns.get(0);
        return first.schema() == null ? first.table() : first.schema() + "." + first.table();
    }

    /** The folded key of a configured table the text may name, "" for a U& name, or null. */
    private String mention(String sql) {
        return mentions.mention(sql);
    }

    /**
     * A case folding under which any two spellings a server could take for one name compare equal: ASCII
     * lower case; beyond ASCII, compatibility decomposition without accents, English upper case (which turns
     * {@code ß} into {@code SS} and {@code ı} into {@code I}), then each character's simple lower case.
     */
    static String fold(String word) {
        boolean ascii = true;
        for (int k = 0; k < word.length() && ascii; k++) {
            ascii = word.charAt(k) < 0x80;
        }
        if (ascii) {
            return word.toLowerCase(Locale.ROOT);
        }
        String plain = java.text.Normalizer.normalize(word, java.text.Normalizer.Form.NFKD)
                .replaceAll("\\p{M}+", "").toUpperCase(Locale.ENGLISH);
        StringBuilder folded = new StringBuilder(plain.length());
        plain.codePoints().forEach(cp -> folded.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp))));
        return folded.toString();
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

    /** Whether the policy names a configured table in schema {@code schema} (a SQL identifier, quoted or not). */
    boolean qualifiesTablesIn(String schema) {
        for (List<EncryptedColumn> columns : byLowerCaseTable.values()) {
            for (EncryptedColumn column : columns) {
                if (column.schema() != null && Identifiers.matches(column.schema(), column.quoted(), schema)) {
                    return true;
                }
            }
        }
        return false;
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
        return byLowerCaseTable.getOrDefault(fold(Identifiers.unquote(table)), List.of());
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
