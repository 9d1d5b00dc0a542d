package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.sf.jsqlparser.schema.Table;

/**
 * A second, narrower reader for the utility statements JSqlParser cannot parse: {@code VACUUM}, {@code ANALYZE},
 * {@code LOCK}, {@code TRUNCATE} with its options, {@code CREATE/ALTER/DROP SEQUENCE}, {@code REINDEX},
 * {@code CLUSTER}, {@code ALTER TABLE} forms that only drop or validate keys and constraints or add a foreign key,
 * a check or an exclusion constraint over plain columns, H2's {@code DROP TABLE|VIEW t IF EXISTS}, MariaDB's table
 * maintenance statements and {@code FLUSH TABLES}. Each form is read token by token to its end; it carries no value
 * into or out of any column (no literals, no parameters), so a statement that is wholly one of them may be sent.
 * Anything else, or any token the reading is not sure of, is not recognised and stays refused. {@code COPY} and
 * {@code LOAD DATA} are refused by name: they move rows past Cloak.
 */
final class UnparsedUtility {

    private static final Set<String> LOCK_MODES = Set.of("ACCESS", "ROW", "SHARE", "UPDATE", "EXCLUSIVE");
    private static final Set<String> MAINTENANCE = Set.of("OPTIMIZE", "REPAIR", "CHECK", "CHECKSUM");

    private final List<UtilityToken> tokens;
    private final List<Table> relations = new ArrayList<>();
    /** Whether the form locks its relations until the transaction ends (TRUNCATE, DROP TABLE). */
    private boolean locks;
    /** Whether the form drops its relations (DROP TABLE, DROP VIEW). */
    private boolean drops;
    /** Whether the relations it drops are views (DROP VIEW). */
    private boolean views;
    /** Whether the form alters its relation's definition (ALTER TABLE): the catalog's view of it is stale. */
    private boolean alters;
    /** The columns a foreign key or check the form adds names, with their tables: none may be encrypted. */
    private final List<Map.Entry<Table, String>> keyColumns = new ArrayList<>();
    /** The tables a foreign key the form adds references without a column list (their primary key). */
    private final List<Table> keyTables = new ArrayList<>();
    private int at;

    private UnparsedUtility(List<UtilityToken> tokens) {
        this.tokens = tokens;
    }

    /**
     * Refuses {@code COPY} and {@code LOAD DATA} that mention a configured table: the rows they move between the
     * database and a file or stream never pass Cloak's encryption.
     */
    static void refuseBulkCopy(String sql) {
        String first = firstWord(sql);
        if (first.equals("COPY") || first.equals("LOAD")) {
            throw new Rejection(first + " naming a configured table is not supported: it moves rows between the"
                    + " database and a file or stream without Cloak, so they would be stored or read unencrypted;"
                    + " write rows through Cloak (INSERT with ? parameters, or batches) and read them with SELECT");
        }
    }

    private static String firstWord(String sql) {
        int i = 0;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < sql.length() && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toUpperCase(Locale.ROOT);
    }

    /**
     * The plan of one statement JSqlParser could not parse, when its tokens are wholly one recognised form: a
     * utility plan when it names a configured table, a pass-through otherwise. Null when it is not recognised.
     */
    static StatementPlan plan(String sql, List<UtilityToken> tokens, ConfiguredTables tables, int parameterCount) {
        if (tokens == null || tokens.isEmpty() || parameterCount != 0) {
            return null;
        }
        UnparsedUtility reader = new UnparsedUtility(tokens);
        StatementPlan.Kind kind = reader.statement();
        if (kind == null || !reader.atEnd()) {
            return null;
        }
        if (reader.keyColumns.stream().anyMatch(c -> tables.column(c.getKey(), c.getValue()) != null)) {
            return null; // a key over encrypted columns needs the parsed analysis's key-domain checks
        }
        for (Table referenced : reader.keyTables) {
            if (!tables.columnsOf(referenced).isEmpty()) {
                throw new Rejection("a FOREIGN KEY referencing configured table " + tables.policyName(referenced)
                        + " without a column list is not supported in this form: name the referenced columns");
            }
        }
        boolean configured = reader.relations.stream().anyMatch(tables::isConfigured);
        if (!configured) {
            return StatementPlan.passThrough(sql, 0);
        }
        StatementPlan.Builder plan = StatementPlan.builder(kind, sql, 0);
        if (reader.locks) {
            plan.lockedColumns(tables.tableColumns(reader.relations));
        }
        if (reader.alters) {
            plan.changedTables(reader.relations.stream().map(t -> Identifiers.key(t.getName()))
                    .collect(Collectors.toSet()));
        }
        if (reader.drops) {
            Set<String> names = reader.relations.stream().map(t -> Identifiers.key(t.getName()))
                    .collect(Collectors.toSet());
            plan.changedTables(names).viewsStale(true);
            if (reader.views) {
                plan.droppedViews(names);
            }
        }
        return plan.build();
    }

    /** Reads one recognised form and gives the kind of its plan, or null when the tokens are none of them. */
    private StatementPlan.Kind statement() {
        if (word("VACUUM")) {
            return vacuumOrAnalyze() ? StatementPlan.Kind.UTILITY : null;
        }
        if (word("ANALYZE")) {
            return analyze() ? StatementPlan.Kind.UTILITY : null;
        }
        if (word("LOCK")) {
            return lock() ? StatementPlan.Kind.UTILITY : null;
        }
        if (word("TRUNCATE")) {
            locks = true;
            return truncate() ? StatementPlan.Kind.DDL : null;
        }
        if (word("REINDEX")) {
            return reindex() ? StatementPlan.Kind.UTILITY : null;
        }
        if (word("CLUSTER")) {
            return cluster() ? StatementPlan.Kind.UTILITY : null;
        }
        if (word("FLUSH")) {
            return flushTables() ? StatementPlan.Kind.UTILITY : null;
        }
        if (peekWord(MAINTENANCE)) {
            at++;
            return maintenance() ? StatementPlan.Kind.UTILITY : null;
        }
        if (word("CREATE")) {
            anyWord("TEMP", "TEMPORARY", "UNLOGGED");
            return word("SEQUENCE") && sequence(true) ? StatementPlan.Kind.DDL : null;
        }
        if (word("ALTER")) {
            if (word("TABLE")) {
                alters = true;
                return alterTable() ? StatementPlan.Kind.DDL : null;
            }
            return word("SEQUENCE") && sequence(false) ? StatementPlan.Kind.DDL : null;
        }
        if (word("DROP")) {
            views = word("VIEW");
            if (views || word("TABLE")) {
                locks = !views;
                drops = true;
                return dropRelations() ? StatementPlan.Kind.DDL : null;
            }
            return word("SEQUENCE") && dropSequence() ? StatementPlan.Kind.DDL : null;
        }
        return null;
    }

    /** PostgreSQL {@code VACUUM [FULL | FREEZE | VERBOSE | ANALYZE ...] [(options)] [table [(columns)], ...]}. */
    private boolean vacuumOrAnalyze() {
        while (anyWord("FULL", "FREEZE", "VERBOSE", "ANALYZE", "ANALYSE")) {
            // flags before the table list
        }
        return optionList() && tableList(true);
    }

    /** PostgreSQL {@code ANALYZE [VERBOSE] [(options)] [table [(columns)], ...]}, MariaDB {@code ANALYZE TABLE t}. */
    private boolean analyze() {
        if (anyWord("NO_WRITE_TO_BINLOG", "LOCAL") || peekWord(Set.of("TABLE"))) {
            return word("TABLE") && maintenanceTables();
        }
        anyWord("VERBOSE");
        return optionList() && tableList(true);
    }

    /**
     * PostgreSQL {@code LOCK [TABLE] [ONLY] t [*], ... [IN mode MODE] [NOWAIT]} and MariaDB
     * {@code LOCK TABLES t [[AS] alias] READ [LOCAL] | [LOW_PRIORITY] WRITE [CONCURRENT], ...}.
     */
    private boolean lock() {
        boolean tablesWord = anyWord("TABLE", "TABLES");
        if (tablesWord && mariaDbLock()) {
            return true;
        }
        anyWord("ONLY");
        if (!relationList(true)) {
            return false;
        }
        if (word("IN")) {
            boolean mode = false;
            while (peekWord(LOCK_MODES)) {
                at++;
                mode = true;
            }
            if (!mode || !word("MODE")) {
                return false;
            }
        }
        anyWord("NOWAIT");
        return true;
    }

    /** The MariaDB form; on any mismatch the reading goes back to where it started. */
    private boolean mariaDbLock() {
        int start = at;
        int relationsBefore = relations.size();
        boolean read;
        do {
            read = relation() && lockAlias() && lockType();
        } while (read && symbol(','));
        if (read && atEnd()) {
            return true;
        }
        at = start;
        relations.subList(relationsBefore, relations.size()).clear();
        return false;
    }

    private boolean lockAlias() {
        if (word("AS")) {
            return name();
        }
        if (!peekWord(Set.of("READ", "WRITE", "LOW_PRIORITY"))) {
            name();
        }
        return true;
    }

    private boolean lockType() {
        if (word("READ")) {
            anyWord("LOCAL");
            return true;
        }
        anyWord("LOW_PRIORITY");
        if (!word("WRITE")) {
            return false;
        }
        anyWord("CONCURRENT");
        return true;
    }

    /** {@code TRUNCATE [TABLE] [ONLY] t [*], ... [RESTART IDENTITY | CONTINUE IDENTITY] [CASCADE | RESTRICT]}. */
    private boolean truncate() {
        anyWord("TABLE");
        anyWord("ONLY");
        if (!relationList(true)) {
            return false;
        }
        if (anyWord("RESTART", "CONTINUE") && !word("IDENTITY")) {
            return false;
        }
        anyWord("CASCADE", "RESTRICT");
        return true;
    }

    /** {@code REINDEX [(options)] {INDEX | TABLE | SCHEMA | DATABASE | SYSTEM} [CONCURRENTLY] name}. */
    private boolean reindex() {
        if (!optionList()) {
            return false;
        }
        boolean table = word("TABLE");
        if (!table && !anyWord("INDEX", "SCHEMA", "DATABASE", "SYSTEM")) {
            return false;
        }
        anyWord("CONCURRENTLY");
        return table ? relation() : atEnd() || qualifiedName();
    }

    /** {@code CLUSTER [VERBOSE] [table [USING index]]}. */
    private boolean cluster() {
        anyWord("VERBOSE");
        if (atEnd()) {
            return true;
        }
        if (!relation()) {
            return false;
        }
        return !word("USING") || name();
    }

    /** MariaDB {@code OPTIMIZE | REPAIR | CHECK | CHECKSUM [NO_WRITE_TO_BINLOG | LOCAL] TABLE t, ... [options]}. */
    private boolean maintenance() {
        anyWord("NO_WRITE_TO_BINLOG", "LOCAL");
        return word("TABLE") && maintenanceTables();
    }

    private boolean maintenanceTables() {
        if (!relationList(false)) {
            return false;
        }
        while (peek() != null && peek().kind() == UtilityToken.Kind.WORD) {
            at++;
        }
        return true;
    }

    /**
     * {@code CREATE SEQUENCE [IF NOT EXISTS] s options} or {@code ALTER SEQUENCE [IF EXISTS] s options}: options are
     * words, signed numbers and {@code OWNED BY t.c}, {@code AS type}; a sequence holds numbers only.
     */
    private boolean sequence(boolean create) {
        boolean guard = word("IF");
        if (guard && !(create ? word("NOT") && word("EXISTS") : word("EXISTS"))) {
            return false;
        }
        if (!qualifiedName()) {
            return false;
        }
        while (!atEnd()) {
            if (word("OWNED")) {
                if (!word("BY") || !(word("NONE") || ownedBy())) {
                    return false;
                }
            } else if (peek().kind() == UtilityToken.Kind.WORD || peek().kind() == UtilityToken.Kind.NUMBER
                    || peek().isSymbol('-') || peek().isSymbol('+')) {
                at++;
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code ALTER TABLE [IF EXISTS] [ONLY] t action, ...} whose actions only drop or validate constraints, keys and
     * indexes, or add a foreign key, a check or an exclusion constraint over plain columns: MariaDB's
     * {@code DROP FOREIGN KEY fk} (Hibernate's schema drop), {@code DROP CHECK c}, {@code DROP PRIMARY KEY},
     * {@code DROP INDEX|KEY i}; PostgreSQL's {@code NOT VALID}, {@code DEFERRABLE INITIALLY DEFERRED} and
     * {@code VALIDATE CONSTRAINT c} (zero-downtime migrations, pg_dump).
     */
    private boolean alterTable() {
        if (word("IF") && !word("EXISTS")) {
            return false;
        }
        anyWord("ONLY");
        if (!relation()) {
            return false;
        }
        Table altered = relations.get(relations.size() - 1);
        do {
            if (!(word("DROP") ? dropKey() : word("VALIDATE") ? word("CONSTRAINT") && name()
                    : word("ADD") && addConstraint(altered))) {
                return false;
            }
        } while (symbol(','));
        return true;
    }

    /** After {@code DROP}: a foreign key, check, constraint, primary key or index, by name. */
    private boolean dropKey() {
        if (word("PRIMARY")) {
            return word("KEY");
        }
        if (word("FOREIGN")) {
            if (!word("KEY")) {
                return false;
            }
        } else if (!anyWord("CONSTRAINT", "CHECK", "INDEX", "KEY")) {
            return false;
        }
        if (word("IF") && !word("EXISTS")) {
            return false;
        }
        if (!name()) {
            return false;
        }
        anyWord("CASCADE", "RESTRICT");
        return true;
    }

    /**
     * After {@code ADD}: {@code [CONSTRAINT name] FOREIGN KEY (columns) REFERENCES t [(columns)] [MATCH …]
     * [ON DELETE | UPDATE action] … [NOT VALID] [[NOT] DEFERRABLE] [INITIALLY DEFERRED | IMMEDIATE]}.
     */
    private boolean addConstraint(Table altered) {
        if (word("CONSTRAINT") && !name()) {
            return false;
        }
        return word("CHECK") ? check(altered) : word("EXCLUDE") ? exclude(altered) : addForeignKey(altered);
    }

    /**
     * After {@code ADD [CONSTRAINT c] CHECK}: {@code (condition) [NOT VALID] [NO INHERIT]}; the names in the
     * condition are columns of the altered table (none may be encrypted) or functions and types.
     */
    private boolean check(Table altered) {
        if (!namesInParentheses(altered)) {
            return false;
        }
        while (word("NOT") ? word("VALID") : word("NO") && word("INHERIT")) {
            // NOT VALID, NO INHERIT: how the server checks it, not what
        }
        return true;
    }

    /**
     * After {@code ADD [CONSTRAINT c] EXCLUDE}: PostgreSQL's {@code [USING method] (element WITH operator, …)
     * [WHERE (predicate)]}; as in a check, the names are columns of the altered table (none may be encrypted: an
     * exclusion over one needs the parsed analysis's rules) or functions, types and the word {@code WITH}.
     */
    private boolean exclude(Table altered) {
        if (word("USING") && !name()) {
            return false;
        }
        return namesInParentheses(altered) && (!word("WHERE") || namesInParentheses(altered));
    }

    /** A parenthesised part whose names are taken for columns of {@code altered}. */
    private boolean namesInParentheses(Table altered) {
        if (!symbol('(')) {
            return false;
        }
        int depth = 1;
        while (depth > 0) {
            UtilityToken token = peek();
            if (token == null) {
                return false;
            }
            at++;
            if (token.isSymbol('(')) {
                depth++;
            } else if (token.isSymbol(')')) {
                depth--;
            } else if (token.isName()) {
                keyColumns.add(Map.entry(altered, token.text()));
            }
        }
        return true;
    }

    /** After {@code ADD [CONSTRAINT c]}: a foreign key (see {@link #alterTable()}). */
    private boolean addForeignKey(Table altered) {
        if (!word("FOREIGN") || !word("KEY") || !keyColumns(altered)) {
            return false;
        }
        if (!word("REFERENCES") || !relation()) {
            return false;
        }
        Table referenced = relations.get(relations.size() - 1);
        if (peek() != null && peek().isSymbol('(')) {
            if (!keyColumns(referenced)) {
                return false;
            }
        } else {
            // the referenced key is the table's primary key, which may be an encrypted column
            keyTables.add(referenced);
        }
        while (peek() != null && !peek().isSymbol(',') && !atEnd()) {
            if (word("ON")) {
                if (!anyWord("DELETE", "UPDATE") || !(anyWord("CASCADE", "RESTRICT") || word("NO") && word("ACTION")
                        || word("SET") && anyWord("NULL", "DEFAULT"))) {
                    return false;
                }
            } else if (word("MATCH")) {
                if (!anyWord("FULL", "SIMPLE", "PARTIAL")) {
                    return false;
                }
            } else if (word("INITIALLY")) {
                if (!anyWord("DEFERRED", "IMMEDIATE")) {
                    return false;
                }
            } else if (word("NOT")) {
                if (!anyWord("VALID", "DEFERRABLE")) {
                    return false;
                }
            } else if (!word("DEFERRABLE")) {
                return false;
            }
        }
        return true;
    }

    /** {@code (column, ...)} of {@code table}, kept to check that none is encrypted. */
    private boolean keyColumns(Table table) {
        if (!symbol('(')) {
            return false;
        }
        do {
            if (peek() == null || !peek().isName()) {
                return false;
            }
            keyColumns.add(Map.entry(table, tokens.get(at++).text()));
        } while (symbol(','));
        return symbol(')');
    }

    /** MariaDB {@code FLUSH [NO_WRITE_TO_BINLOG | LOCAL] TABLE[S] t, ... [WITH READ LOCK | FOR EXPORT]}. */
    private boolean flushTables() {
        anyWord("NO_WRITE_TO_BINLOG", "LOCAL");
        if (!anyWord("TABLES", "TABLE") || !relationList(false)) {
            return false;
        }
        if (word("WITH")) {
            return word("READ") && word("LOCK");
        }
        return !word("FOR") || word("EXPORT");
    }

    /** {@code OWNED BY [schema.]table.column}: the table is a relation the statement names. */
    private boolean ownedBy() {
        List<String> parts = new ArrayList<>();
        do {
            if (peek() == null || !peek().isName()) {
                return false;
            }
            parts.add(tokens.get(at++).text());
        } while (symbol('.'));
        if (parts.size() < 2 || parts.size() > 3) {
            return false;
        }
        Table table = new Table(parts.get(parts.size() - 2));
        if (parts.size() == 3) {
            table.setSchemaName(parts.get(0));
        }
        relations.add(table);
        return true;
    }

    /**
     * {@code DROP TABLE | VIEW [IF EXISTS] t, ... [IF EXISTS] [CASCADE | RESTRICT]}: H2 also takes {@code IF EXISTS}
     * after the names, as Spring PetClinic's schema writes it, which JSqlParser does not parse.
     */
    private boolean dropRelations() {
        if (word("IF") && !word("EXISTS")) {
            return false;
        }
        if (!relationList(false)) {
            return false;
        }
        if (word("IF") && !word("EXISTS")) {
            return false;
        }
        anyWord("CASCADE", "RESTRICT");
        return true;
    }

    /** {@code DROP SEQUENCE [IF EXISTS] s, ... [CASCADE | RESTRICT]}. */
    private boolean dropSequence() {
        if (word("IF") && !word("EXISTS")) {
            return false;
        }
        do {
            if (!qualifiedName()) {
                return false;
            }
        } while (symbol(','));
        anyWord("CASCADE", "RESTRICT");
        return true;
    }

    /** {@code (option [value], ...)}: words and numbers in parentheses, or nothing. */
    private boolean optionList() {
        if (!symbol('(')) {
            return true;
        }
        do {
            if (!name()) {
                return false;
            }
            while (peek() != null && (peek().kind() == UtilityToken.Kind.WORD
                    || peek().kind() == UtilityToken.Kind.NUMBER)) {
                at++;
            }
        } while (symbol(','));
        return symbol(')');
    }

    /** {@code [t [(columns)], ...]}: possibly empty; column lists only where {@code columns} allows. */
    private boolean tableList(boolean columns) {
        if (atEnd()) {
            return true;
        }
        do {
            anyWord("ONLY");
            if (!relation()) {
                return false;
            }
            if (columns && symbol('(')) {
                do {
                    if (!name()) {
                        return false;
                    }
                } while (symbol(','));
                if (!symbol(')')) {
                    return false;
                }
            }
        } while (symbol(','));
        return true;
    }

    /** {@code t [*], ...}: at least one relation; {@code *} (descendant tables) only where allowed. */
    private boolean relationList(boolean star) {
        do {
            if (!relation()) {
                return false;
            }
            if (star) {
                symbol('*');
            }
        } while (symbol(','));
        return true;
    }

    /** A relation name, {@code [schema.]name}, which the statement acts on. */
    private boolean relation() {
        int start = at;
        if (!qualifiedName()) {
            return false;
        }
        List<String> parts = new ArrayList<>();
        for (int i = start; i < at; i += 2) {
            parts.add(tokens.get(i).text());
        }
        if (parts.size() > 2) {
            at = start;
            return false;
        }
        Table table = new Table(parts.get(parts.size() - 1));
        if (parts.size() == 2) {
            table.setSchemaName(parts.get(0));
        }
        relations.add(table);
        return true;
    }

    /** A name with optional qualifiers: {@code a}, {@code a.b}, {@code a.b.c}. */
    private boolean qualifiedName() {
        if (!name()) {
            return false;
        }
        while (peek() != null && peek().isSymbol('.') && at + 1 < tokens.size() && tokens.get(at + 1).isName()) {
            at += 2;
        }
        return true;
    }

    private boolean name() {
        if (peek() != null && peek().isName()) {
            at++;
            return true;
        }
        return false;
    }

    private UtilityToken peek() {
        return at < tokens.size() ? tokens.get(at) : null;
    }

    private boolean peekWord(Set<String> words) {
        UtilityToken token = peek();
        return token != null && token.kind() == UtilityToken.Kind.WORD
                && words.contains(token.text().toUpperCase(Locale.ROOT));
    }

    private boolean word(String word) {
        if (peek() != null && peek().isWord(word)) {
            at++;
            return true;
        }
        return false;
    }

    private boolean anyWord(String... words) {
        for (String each : words) {
            if (word(each)) {
                return true;
            }
        }
        return false;
    }

    private boolean symbol(char symbol) {
        if (peek() != null && peek().isSymbol(symbol)) {
            at++;
            return true;
        }
        return false;
    }

    /** The end of the tokens, allowing one trailing semicolon. */
    private boolean atEnd() {
        return at == tokens.size() || at == tokens.size() - 1 && tokens.get(at).isSymbol(';');
    }
}
