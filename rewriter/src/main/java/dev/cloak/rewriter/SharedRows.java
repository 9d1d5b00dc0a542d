package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.SqlLexer;
import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.create.table.CreateTable;

/**
 * DDL that makes two tables share rows: a PostgreSQL child ({@code CREATE TABLE c … INHERITS (p)}, {@code ALTER TABLE
 * c INHERIT p}) or partition ({@code PARTITION OF p}, {@code ATTACH PARTITION c}) is read and written through its
 * parent, a detached partition ({@code DETACH PARTITION c}) keeps the rows it had, and MariaDB's {@code EXCHANGE
 * PARTITION … WITH TABLE c} swaps rows between a partition and a table. When one of the two is a configured table,
 * the other must list the same encrypted columns with the same key domain, mode and type: a value written through a
 * table that does not would be stored in plaintext among the configured table's cells, and their cells read through
 * it as raw ciphertext. JSqlParser keeps most of these names only as option text, so they are read from the
 * server's tokens.
 */
final class SharedRows {

    private final ConfiguredTables tables;
    private final List<SqlToken> tokens;
    private final String sql;

    private SharedRows(ConfiguredTables tables, String sql, Dialect dialect) {
        this.tables = tables;
        this.sql = sql;
        this.tokens = SqlLexer.read(sql, dialect == null ? Dialect.POSTGRESQL : dialect).tokens().stream()
                .filter(token -> token.kind() != TokenKind.COMMENT).toList();
    }

    /** Refuses a CREATE TABLE whose table would share rows with a table that does not encrypt them alike. */
    static void check(ConfiguredTables tables, String sql, Dialect dialect, CreateTable create) {
        boolean inherits = create.getTableOptionsStrings() != null && create.getTableOptionsStrings().stream()
                .anyMatch(option -> option.equalsIgnoreCase("INHERITS"));
        if (create.getTable() == null || create.getPartitionOf() == null && !inherits) {
            return;
        }
        SharedRows shared = new SharedRows(tables, sql, dialect);
        if (create.getPartitionOf() != null) {
            shared.requireAlike(create.getTable(), create.getPartitionOf(), "PARTITION OF");
        }
        if (inherits) {
            int at = shared.find("INHERITS", "(");
            if (at < 0) {
                throw new Rejection("CREATE TABLE ... INHERITS on configured table " + tables.policyName(
                        create.getTable()) + " could not be read: write the parent tables as plain names");
            }
            for (Table parent : shared.names(at + 2)) {
                shared.requireAlike(create.getTable(), parent, "INHERITS");
            }
        }
    }

    /** Refuses an ALTER TABLE that attaches, detaches, inherits or swaps rows between tables not encrypted alike. */
    static void check(ConfiguredTables tables, String sql, Dialect dialect, Alter alter) {
        if (alter.getTable() == null || alter.getAlterExpressions() == null) {
            return;
        }
        SharedRows shared = null;
        for (AlterExpression expression : alter.getAlterExpressions()) {
            String[] words = sharingWords(expression);
            if (words.length == 0) {
                continue;
            }
            shared = shared == null ? new SharedRows(tables, sql, dialect) : shared;
            int at = shared.find(words);
            List<Table> other = at < 0 ? List.of() : shared.names(at + words.length);
            if (other.size() != 1) {
                throw new Rejection(String.join(" ", words) + " in an ALTER TABLE naming a configured table could"
                        + " not be read: write the other table as a plain name");
            }
            shared.requireAlike(alter.getTable(), other.get(0), String.join(" ", words));
        }
    }

    /** The words before the other table's name when the expression shares rows with it; none when it does not. */
    private static String[] sharingWords(AlterExpression expression) {
        AlterOperation operation = expression.getOperation();
        if (operation == AlterOperation.ATTACH_PARTITION) {
            return new String[] {"ATTACH", "PARTITION"};
        }
        if (operation == AlterOperation.DETACH_PARTITION) {
            return new String[] {"DETACH", "PARTITION"};
        }
        if (operation == AlterOperation.EXCHANGE_PARTITION) {
            return new String[] {"WITH", "TABLE"};
        }
        String specifier = expression.getOptionalSpecifier();
        if (operation == AlterOperation.UNSPECIFIC && specifier != null
                && specifier.regionMatches(true, 0, "INHERIT ", 0, "INHERIT ".length())) {
            return new String[] {"INHERIT"};
        }
        return new String[0];
    }

    /**
     * Both tables must list the same encrypted columns alike when either is configured (a view is never a parent
     * or a partition: the server refuses it).
     */
    private void requireAlike(Table table, Table other, String how) {
        if (!tables.isConfigured(table) && !tables.isConfigured(other)) {
            return;
        }
        missingIn(table, other, how);
        missingIn(other, table, how);
    }

    private void missingIn(Table target, Table configured, String how) {
        for (EncryptedColumn column : tables.columnsOf(configured)) {
            EncryptedColumn same = tables.column(target, column.column());
            if (same == null || same.deterministic() != column.deterministic()
                    || !same.keyDomain().equals(column.keyDomain()) || !Objects.equals(same.type(), column.type())) {
                throw new Rejection("table " + tables.policyName(target) + " would share rows with configured table "
                        + tables.policyName(configured) + " (" + how + ") but does not list encrypted column "
                        + column.name() + " alike: values written through it would be stored unencrypted among"
                        + " its cells, and its cells read through it as raw ciphertext; list "
                        + tables.policyName(target) + "." + column.column() + " in the policy with key: "
                        + column.keyDomain() + ", mode: " + column.mode()
                        + (column.type() == null ? "" : ", type: " + column.type()));
            }
        }
    }

    /** The index of the first token of {@code words} in sequence, or -1. */
    private int find(String... words) {
        for (int i = 0; i + words.length <= tokens.size(); i++) {
            boolean match = true;
            for (int j = 0; j < words.length && match; j++) {
                match = text(i + j).equalsIgnoreCase(words[j]);
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The table names from token {@code from} on: one name, or a parenthesised list when the token before is
     * {@code (}; each {@code name} or {@code schema.name}, spelt as the text writes it (quotes kept).
     */
    private List<Table> names(int from) {
        boolean list = from > 0 && text(from - 1).equals("(");
        List<Table> names = new ArrayList<>();
        int i = from;
        while (i < tokens.size() && isName(i)) {
            List<String> parts = new ArrayList<>(List.of(text(i)));
            i++;
            while (i + 1 < tokens.size() && text(i).equals(".") && isName(i + 1)) {
                parts.add(text(i + 1));
                i += 2;
            }
            if (parts.size() > 3) {
                return List.of();
            }
            String name = parts.get(parts.size() - 1);
            names.add(parts.size() == 1 ? new Table(name) : new Table(parts.get(parts.size() - 2), name));
            if (!list || i >= tokens.size() || !text(i).equals(",")) {
                break;
            }
            i++;
        }
        return list && (i >= tokens.size() || !text(i).equals(")")) ? List.of() : names;
    }

    private boolean isName(int index) {
        TokenKind kind = tokens.get(index).kind();
        return kind == TokenKind.WORD || kind == TokenKind.QUOTED_IDENTIFIER;
    }

    private String text(int index) {
        SqlToken token = tokens.get(index);
        return sql.substring(token.start(), token.end());
    }
}
