package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;

/**
 * MariaDB's {@code CREATE TRIGGER … ON t FOR EACH ROW body} on a configured table, read from the server's tokens
 * (JSqlParser cannot parse it). Its body is part of the statement, and a MariaDB trigger reaches the row only by
 * naming its columns ({@code NEW.c}, {@code OLD.c}) and cannot run SQL built from strings: a body that names none
 * of the table's encrypted columns and no configured table or known view cannot read or write an encrypted value,
 * and the trigger passes as written (as a {@code SET NEW.updated_at = NOW()} does). Any other trigger on a
 * configured table is refused, as are PostgreSQL's and H2's, whose bodies live elsewhere (a function, a class).
 */
final class Triggers {

    private static final Set<String> TIMES = Set.of("BEFORE", "AFTER");
    private static final Set<String> EVENTS = Set.of("INSERT", "UPDATE", "DELETE");

    private final String sql;
    private final List<SqlToken> tokens;
    private int at;

    private Triggers(String sql, List<SqlToken> serverTokens) {
        this.sql = sql;
        this.tokens = serverTokens.stream().filter(token -> token.kind() != TokenKind.COMMENT).toList();
    }

    /**
     * The plan of a MariaDB trigger on a configured table whose body cannot touch an encrypted value; null when the
     * text is not such a trigger (it is then planned, or refused, as any other statement).
     */
    static StatementPlan plan(String sql, List<SqlToken> serverTokens, Dialect dialect, ConfiguredTables tables,
                              int parameterCount) {
        if (dialect != Dialect.MARIADB || parameterCount != 0) {
            return null;
        }
        Triggers reader = new Triggers(sql, serverTokens);
        Table table = reader.triggerTable();
        if (table == null || !tables.isConfigured(table) || tables.view(table) != null) {
            return null;
        }
        int body = reader.at;
        Set<String> encrypted = new HashSet<>();
        tables.columnsOf(table).forEach(column -> encrypted.add(Identifiers.key(column.column())));
        Set<String> relations = tables.lowerCaseNames();
        for (int i = body; i < reader.tokens.size(); i++) {
            SqlToken token = reader.tokens.get(i);
            if (token.kind() != TokenKind.WORD && token.kind() != TokenKind.QUOTED_IDENTIFIER) {
                continue;
            }
            String name = Identifiers.key(reader.text(i));
            if (encrypted.contains(name)) {
                throw new Rejection("a trigger on configured table " + tables.policyName(table) + " whose body names"
                        + " encrypted column " + tables.policyName(table) + "." + name + " is not supported: the"
                        + " database would compute over its ciphertext or store a plaintext in it; do that work in"
                        + " the application");
            }
            if (relations.contains(EncryptedSchema.fold(name))) {
                throw new Rejection("a trigger on configured table " + tables.policyName(table) + " whose body names"
                        + " configured table or view " + name + " is not supported: its rows would be read or"
                        + " written without Cloak; do that work in the application");
            }
        }
        return StatementPlan.builder(StatementPlan.Kind.DDL, sql, 0).build();
    }

    /**
     * {@code CREATE [OR REPLACE] TRIGGER [IF NOT EXISTS] name BEFORE|AFTER INSERT|UPDATE|DELETE ON table FOR EACH
     * ROW [FOLLOWS|PRECEDES other]}: the table, with {@link #at} on the body's first token; null for any other text.
     */
    private Table triggerTable() {
        if (!word("CREATE")) {
            return null;
        }
        if (word("OR") && !word("REPLACE")) {
            return null;
        }
        if (!word("TRIGGER")) {
            return null; // DEFINER = … and other forms are not read here
        }
        if (word("IF") && !(word("NOT") && word("EXISTS"))) {
            return null;
        }
        if (name().isEmpty() || !oneOf(TIMES) || !oneOf(EVENTS) || !word("ON")) {
            return null;
        }
        List<String> table = name();
        if (table.isEmpty() || !word("FOR") || !word("EACH") || !word("ROW")) {
            return null;
        }
        if ((word("FOLLOWS") || word("PRECEDES")) && name().isEmpty()) {
            return null;
        }
        return at >= tokens.size() ? null : table.size() == 1 ? new Table(table.get(0))
                : new Table(table.get(0), table.get(1));
    }

    /** A name, or a qualified one of two parts, as written (quotes kept); empty when none is next. */
    private List<String> name() {
        List<String> parts = new ArrayList<>();
        if (!isName(at)) {
            return parts;
        }
        parts.add(text(at++));
        if (at + 1 < tokens.size() && text(at).equals(".") && isName(at + 1)) {
            parts.add(text(at + 1));
            at += 2;
        }
        return parts;
    }

    private boolean isName(int index) {
        return index < tokens.size() && (tokens.get(index).kind() == TokenKind.WORD
                || tokens.get(index).kind() == TokenKind.QUOTED_IDENTIFIER);
    }

    private boolean word(String word) {
        if (at < tokens.size() && tokens.get(at).kind() == TokenKind.WORD && text(at).equalsIgnoreCase(word)) {
            at++;
            return true;
        }
        return false;
    }

    private boolean oneOf(Set<String> words) {
        if (at < tokens.size() && tokens.get(at).kind() == TokenKind.WORD
                && words.contains(text(at).toUpperCase(Locale.ROOT))) {
            at++;
            return true;
        }
        return false;
    }

    private String text(int index) {
        SqlToken token = tokens.get(index);
        return sql.substring(token.start(), token.end());
    }
}
