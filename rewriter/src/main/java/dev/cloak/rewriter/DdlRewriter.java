package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.JdbcParameterTokens;
import dev.cloak.rewriter.lexer.SqlLexer;
import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.alter.sequence.AlterSequence;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.table.CheckConstraint;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.ForeignKeyIndex;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.create.view.AlterView;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.truncate.Truncate;

/**
 * DDL: CREATE TABLE, ALTER TABLE, DROP, CREATE INDEX, TRUNCATE, sequences and renames. On a configured table, each
 * encrypted column a CREATE or ALTER TABLE declares gets the dialect's binary type, sized for its largest cell, and
 * may carry only constraints that compare ciphertexts for equality (UNIQUE, PRIMARY KEY, REFERENCES on a
 * deterministic column); DEFAULT values, CHECK constraints and generated expressions on it are refused, and so are
 * {@code ALTER COLUMN ... SET DEFAULT}, a {@code USING} expression and a rename that takes it, or its table, out of
 * the policy's names. An index may cover an encrypted column only as a plain equality index on a deterministic
 * one. A table may share rows with a configured one (inheritance, partitions) only when it lists the same encrypted
 * columns alike ({@link SharedRows}), and be partitioned by bounds only on plain columns ({@link PartitionKeys}).
 * DDL naming no configured table passes through. Each plan says which tables' columns and which views the statement
 * may change, so that what Cloak read from the catalog about them is read again, and which encrypted columns' keys
 * to make before it locks their tables.
 */
final class DdlRewriter {

    /** What {@code ALTER COLUMN c SET …} may set on an encrypted column: PostgreSQL's, which hold no value. */
    private static final Set<String> VALUELESS_ATTRIBUTES = Set.of("STATISTICS", "STORAGE", "COMPRESSION");

    private final ConfiguredTables tables;
    private final String sql;
    private final int parameterCount;
    private final Dialect dialect;
    /** The encrypted columns the statement declares, in text order. */
    private final List<EncryptedColumn> declared = new ArrayList<>();

    /** The database's catalog: the primary key a foreign key without a column list references. */
    private final Catalog catalog;

    /** With a null dialect, DDL declaring an encrypted column passes only when it already declares a binary type. */
    DdlRewriter(ConfiguredTables tables, String sql, int parameterCount, Dialect dialect) {
        this(tables, sql, parameterCount, dialect, Catalog.NONE);
    }

    DdlRewriter(ConfiguredTables tables, String sql, int parameterCount, Dialect dialect, Catalog catalog) {
        this.tables = tables;
        this.sql = sql;
        this.parameterCount = parameterCount;
        this.dialect = dialect;
        this.catalog = catalog;
    }

    /** Whether the statement is DDL this class plans. */
    static boolean isDdl(Statement statement) {
        return statement instanceof CreateTable || statement instanceof Alter || statement instanceof Drop
                || statement instanceof CreateIndex || statement instanceof Truncate
                || statement instanceof CreateSequence || statement instanceof AlterSequence
                || statement instanceof RenameTableStatement || statement instanceof AlterView;
    }

    /** The plan of a statement {@link #isDdl} accepts. */
    StatementPlan plan(Statement statement) {
        if (statement instanceof CreateTable create) {
            if (create.getSelect() != null) {
                StatementWalk walk = StatementWalk.of(statement);
                if (tables.anyIn(walk)) {
                    return createTableAs(create);
                }
                // a configured table hidden where the walk does not look would be copied as ciphertext
                new StatementAnalyzer(tables, sql, parameterCount, dialect)
                        .checkEveryMentionSeen(walk, List.of(), null);
            }
            SharedRows.check(tables, sql, dialect, create);
            if (create.getPartitionOf() != null && tables.isConfigured(create.getPartitionOf())) {
                new PartitionKeys(tables, catalog).checkBounds(create.getPartitionOf(), create.getPartitionBound());
            }
            foreignKeys(create);
            if (create.getTable() != null && tables.isConfigured(create.getTable())
                    && TYPED_TABLE.matcher(String.valueOf(create)).find()) {
                // CREATE TABLE t OF type: the columns, their defaults and checks come from a composite type
                throw new Rejection("CREATE TABLE " + tables.firstConfiguredName(statement) + " OF a type is not"
                        + " supported on a configured table: its columns (with their domains' defaults and checks)"
                        + " come from the type, where Cloak cannot declare the encrypted ones; write the columns out");
            }
            if (create.getLikeTable() != null && create.getTable() != null && tables.isConfigured(create.getTable())) {
                // the template's defaults, generated expressions and CHECKs would land on the encrypted columns
                throw new Rejection("CREATE TABLE " + tables.firstConfiguredName(statement) + " ... LIKE another"
                        + " table is not supported on a configured table: the columns copied from the template"
                        + " (with their defaults, generated expressions and checks) are not seen by Cloak; write"
                        + " the columns out");
            }
            if (create.getTable() != null && tables.isConfigured(create.getTable())) {
                return changing(createTable(create), create.getTable(), false);
            }
            return ddl(create.getTable());
        }
        if (statement instanceof Alter alter) {
            requireReadActions(alter);
            foreignKeys(alter);
            SharedRows.check(tables, sql, dialect, alter);
            refuseUnreadMentions(alter);
            keepsTablesNamed(alter);
            if (alter.getTable() != null && tables.isConfigured(alter.getTable())) {
                return changing(alterTable(alter), alter.getTable(), true);
            }
            return ddl(alter.getTable());
        }
        if (statement instanceof Drop drop) {
            return drop(drop);
        }
        if (statement instanceof CreateIndex index) {
            if (index.getTable() != null && tables.isConfigured(index.getTable())) {
                new IndexRules(tables, sql, parameterCount, dialect).check(index);
            }
            return ddl(index.getTable());
        }
        if (statement instanceof CreateSequence || statement instanceof AlterSequence) {
            // a sequence holds numbers only; OWNED BY ties it to a column without reading one
            return ddlPlan();
        }
        if (statement instanceof RenameTableStatement rename) {
            rename.getTableNames().forEach(pair -> {
                if (tables.isConfigured(pair.getKey()) || tables.isConfigured(pair.getValue())) {
                    keepsEncryptedTableNamed(pair.getKey(), pair.getValue());
                }
            });
        }
        if (statement instanceof RenameTableStatement || statement instanceof AlterView) {
            return StatementPlan.builder(StatementPlan.Kind.DDL, sql, parameterCount)
                    .changedTables(renamedNames(statement)).viewsStale(true).build();
        }
        Truncate truncate = (Truncate) statement;
        List<Table> truncated = truncate.getTables() != null ? truncate.getTables() : List.of(truncate.getTable());
        if (truncated.stream().noneMatch(tables::isConfigured)) {
            return passThrough();
        }
        return StatementPlan.builder(StatementPlan.Kind.DDL, sql, parameterCount)
                .lockedColumns(tables.tableColumns(truncated)).build();
    }

    /**
     * {@code CREATE TABLE t AS SELECT …} over configured tables: its query, planned as any query, must read, compare
     * and return no encrypted value (the new table is plain, and the server copies the rows without Cloak), as a
     * report's snapshot of plain columns does; a configured table made this way would hold plaintext.
     */
    private StatementPlan createTableAs(CreateTable create) {
        if (create.getTable() != null && tables.isConfigured(create.getTable())) {
            throw new Rejection("CREATE TABLE " + tables.policyName(create.getTable()) + " ... AS SELECT is not"
                    + " supported on a configured table: its rows would be copied unencrypted; create the table,"
                    + " then copy rows through Cloak with ? parameters");
        }
        StatementPlan query = new StatementAnalyzer(tables, sql, parameterCount, dialect, catalog)
                .analyze(create.getSelect());
        if (query.hasEncryptedResults() || query.hasEncryptedParameters() || query.hasEncryptedLiterals()
                || !query.lookups().isEmpty()) {
            throw new Rejection("CREATE TABLE ... AS SELECT that copies, compares or filters by values of encrypted"
                    + " columns of configured table " + tables.firstConfiguredName(create) + " is not supported: the"
                    + " server would copy ciphertext into a plain table; create the table, then copy rows through"
                    + " Cloak with ? parameters");
        }
        return StatementPlan.builder(StatementPlan.Kind.DDL, sql, parameterCount).uses(query.uses())
                .dependsOnCatalog(query.dependsOnCatalog()).build();
    }

    private StatementPlan createTable(CreateTable create) {
        Table table = create.getTable();
        new PartitionKeys(tables, catalog).check(table, create.getPartitioning());
        boolean rewritten = false;
        if (create.getColumnDefinitions() != null) {
            for (ColumnDefinition definition : create.getColumnDefinitions()) {
                rewritten |= declareColumn(table, definition);
            }
        }
        if (create.getIndexes() != null) {
            for (Index index : create.getIndexes()) {
                constraint(table, index);
            }
        }
        return rewritten ? rewrittenDdl(create) : ddlPlan();
    }

    private StatementPlan alterTable(Alter alter) {
        Table table = alter.getTable();
        boolean rewritten = false;
        for (AlterExpression expression : alter.getAlterExpressions()) {
            keepsEncryptedColumnsNamed(table, expression);
            new PartitionKeys(tables, catalog).check(table, expression, sql, dialect);
            for (AlterExpression.ColumnSetDefault set : orEmpty(expression.getColumnSetDefaultList())) {
                EncryptedColumn column = tables.column(table, set.getColumnName());
                if (column != null && !(set.getDefaultExpression() instanceof NullValue)) {
                    throw defaultRefused(column);
                }
                if (column == null && set.getDefaultExpression() != null) {
                    computesNoEncryptedValue(table, set.getColumnName(), "a DEFAULT expression",
                            String.valueOf(set.getDefaultExpression()));
                }
            }
            if (expression.getColDataTypeList() != null) {
                for (AlterExpression.ColumnDataType definition : expression.getColDataTypeList()) {
                    if (setsAttribute(expression, definition)) {
                        attribute(table, definition);
                    } else {
                        using(table, definition);
                        rewritten |= declareColumn(table, definition);
                    }
                }
            }
            if (expression.getIndex() != null) {
                constraint(table, expression.getIndex());
            }
            for (List<String> columns : Arrays.asList(expression.getUkColumns(), expression.getPkColumns())) {
                for (String name : columns == null ? List.<String>of() : columns) {
                    EncryptedColumn column = tables.column(table, name);
                    if (column != null) {
                        CiphertextRules.requireDeterministic(column, "a UNIQUE or PRIMARY KEY constraint");
                    }
                }
            }
        }
        return rewritten ? rewrittenDdl(alter) : ddlPlan();
    }

    /**
     * {@code ALTER [COLUMN] c SET …} other than {@code SET DEFAULT} and {@code SET [NOT] NULL}, which JSqlParser reads
     * as a definition of type {@code SET} ({@code SET STATISTICS 100}, {@code SET STORAGE EXTERNAL}, H2's
     * {@code SET ON UPDATE …}); MariaDB's {@code MODIFY c SET('a', 'b')} declares a SET type instead.
     */
    private static boolean setsAttribute(AlterExpression expression, AlterExpression.ColumnDataType definition) {
        return expression.getOperation() == AlterOperation.ALTER && !definition.isWithType()
                && definition.getColDataType() != null
                && "SET".equalsIgnoreCase(definition.getColDataType().getDataType())
                && definition.getColDataType().getArgumentsStringList() == null;
    }

    /**
     * A column attribute set by {@code ALTER COLUMN c SET …}: sent as written. On an encrypted column only those that
     * hold no value pass (statistics target, storage, compression); one that may (H2's {@code ON UPDATE}) is refused,
     * and on a plain column one that reads an encrypted column.
     */
    private void attribute(Table table, AlterExpression.ColumnDataType definition) {
        EncryptedColumn column = tables.column(table, definition.getColumnName());
        List<String> specs = orEmpty(definition.getColumnSpecs());
        String what = specs.isEmpty() ? "" : specs.get(0).toUpperCase(Locale.ROOT);
        if (column != null && !VALUELESS_ATTRIBUTES.contains(what)) {
            what = what.equals("ON") && specs.size() > 1 ? "ON " + specs.get(1).toUpperCase(Locale.ROOT) : what;
            throw new Rejection("ALTER COLUMN ... SET " + what + " on encrypted column " + column.name()
                    + " is not supported: the database would compute or store its values in plaintext; write them"
                    + " through Cloak");
        }
        if (column == null) {
            computesNoEncryptedValue(table, definition.getColumnName(), "an ALTER COLUMN ... SET expression",
                    String.join(" ", specs));
        }
    }

    /**
     * {@code ALTER COLUMN c TYPE t USING e}: on an encrypted column, {@code e} may only be the column itself, or the
     * column cast to the new type {@code t}, as Liquibase's {@code modifyDataType} writes it on PostgreSQL
     * ({@code USING (c::VARCHAR(160))}): the values stay what they are, so the cast is sent as the column alone (the
     * cells keep the binary type the declaration is rewritten to). Called before the type is rewritten.
     */
    private void using(Table table, AlterExpression.ColumnDataType definition) {
        EncryptedColumn column = tables.column(table, definition.getColumnName());
        Expression using = definition.getUsingExpression();
        while (using instanceof Parenthesis parenthesis) {
            using = parenthesis.getExpression();
        }
        if (using instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
            using = list.get(0);
        }
        if (column != null && using instanceof CastExpression cast && cast.getLeftExpression() instanceof Column named
                && named.getTable() == null && column.equals(tables.column(table, named.getColumnName()))
                && sameType(cast.getColDataType(), definition.getColDataType())) {
            definition.setUsingExpression(named);
        }
        if (column != null && definition.getUsingExpression() != null
                && !(definition.getUsingExpression() instanceof Column named
                        && named.getTable() == null && column.equals(tables.column(table, named.getColumnName())))) {
            throw new Rejection("a USING expression for encrypted column " + column.name() + " is not supported:"
                    + " the database would compute its new values from plaintext or ciphertext; change the type"
                    + " without USING, or write the values through Cloak");
        }
        if (column == null && definition.getUsingExpression() != null) {
            computesNoEncryptedValue(table, definition.getColumnName(), "a USING expression",
                    String.valueOf(definition.getUsingExpression()));
        }
    }

    /** Whether two type names are spelled alike but for case and blanks: {@code INT(11)}, {@code int (11)}. */
    private static boolean sameType(ColDataType one, ColDataType other) {
        return one != null && other != null && String.valueOf(one).replaceAll("\\s+", "").equalsIgnoreCase(
                String.valueOf(other).replaceAll("\\s+", ""));
    }

    /**
     * {@code RENAME COLUMN} and MariaDB's {@code CHANGE COLUMN}: an encrypted column may not take a name the policy
     * does not list for the table, where its cells would be read back as raw ciphertext and written as plaintext.
     * A column renamed into a listed name passes: under the policy that lists the new name, its cells decrypt when
     * the new name keeps the old key domain, and a value that is not a cell is refused when read.
     */
    private void keepsEncryptedColumnsNamed(Table table, AlterExpression expression) {
        String from = expression.getColumnOldName();
        if (from == null) {
            return;
        }
        EncryptedColumn column = tables.column(table, from);
        List<String> to = new ArrayList<>();
        if (expression.getColumnName() != null) {
            to.add(expression.getColumnName());
        }
        orEmpty(expression.getColDataTypeList()).forEach(definition -> to.add(definition.getColumnName()));
        for (String name : to) {
            EncryptedColumn target = tables.column(table, name);
            if (column != null && target == null) {
                throw new Rejection("renaming encrypted column " + column.name() + " to a name the policy does not"
                        + " list is not supported: its cells would be read back as raw ciphertext; list the new name"
                        + " in the policy with key: " + column.keyDomain() + " and rename it under that policy");
            }
            if (column == null && target != null) {
                throw new Rejection("renaming a plain column to encrypted column " + target.name() + " is not"
                        + " supported: its values were stored as plaintext, which Cloak would then take for cells; add"
                        + " the column through Cloak and copy the values into it with ? parameters");
            }
            if (column != null && (!column.keyDomain().equals(target.keyDomain()) || column.mode() != target.mode())) {
                throw new Rejection("renaming encrypted column " + column.name() + " to encrypted column "
                        + target.name() + " of another key domain or mode is not supported: its cells would not"
                        + " decrypt under that name; re-encrypt the values through Cloak instead");
            }
        }
    }

    /**
     * {@code ALTER TABLE t RENAME TO n} and {@code SET SCHEMA s}, of any table: a configured one keeps its encrypted
     * columns under the new name, a plain one may not take a configured name.
     */
    private void keepsTablesNamed(Alter alter) {
        Table table = alter.getTable();
        for (AlterExpression expression : orEmpty(alter.getAlterExpressions())) {
            if (expression.getOperation() == AlterOperation.RENAME_TABLE) {
                keepsEncryptedTableNamed(table, new Table(expression.getNewTableName()));
            }
            String moved = schemaMovedTo(expression);
            if (moved != null) {
                keepsEncryptedTableNamed(table, new Table(moved, table.getName()));
            }
        }
    }

    /**
     * A table renamed: a configured one (not a view) must keep its encrypted columns under the new name; a plain one
     * may not take a configured table's or view's name.
     */
    private void keepsEncryptedTableNamed(Table table, Table renamed) {
        if (tables.view(table) != null) {
            return;
        }
        if (!tables.isConfigured(table) && tables.isConfigured(renamed)) {
            throw new Rejection("renaming table " + Identifiers.key(table.getName()) + ", which the policy does not"
                    + " list, to configured table or view name " + tables.policyName(renamed) + " is not supported:"
                    + " its values were stored as plaintext, which Cloak would then take for cells; create the"
                    + " configured table through Cloak and copy the rows into it with ? parameters");
        }
        for (EncryptedColumn column : tables.columnsOf(table)) {
            if (renamed.getName() == null || tables.column(renamed, column.column()) == null) {
                throw new Rejection("renaming configured table " + Identifiers.key(table.getName()) + " to a name"
                        + " the policy does not list with encrypted column " + column.column() + " is not"
                        + " supported: its cells would be read back as raw ciphertext; list the new name's columns in"
                        + " the policy with their key domains (" + column.keyDomain() + ") and rename it under that"
                        + " policy");
            }
        }
    }

    /**
     * JSqlParser keeps an {@code ALTER TABLE} action it does not model ({@code VALIDATE CONSTRAINT c}, {@code OWNER TO
     * r}, {@code SET (fillfactor = 90)}, MariaDB's {@code ROW_FORMAT = DYNAMIC}) as unread text, and with it every
     * action written after it: {@code OWNER TO r, ALTER COLUMN ssn SET DEFAULT '…'} would go unchecked. Such an
     * action must stand alone (no action after it), and may not give the table a type ({@code OF t}).
     */
    private void requireReadActions(Alter alter) {
        for (AlterExpression expression : orEmpty(alter.getAlterExpressions())) {
            String unread = expression.getOperation() == AlterOperation.UNSPECIFIC
                    ? expression.getOptionalSpecifier() : null;
            if (unread == null) {
                continue;
            }
            String[] words = unread.trim().split("\\s+");
            boolean typed = words[0].equalsIgnoreCase("OF")
                    || words.length > 1 && words[0].equalsIgnoreCase("NOT") && words[1].equalsIgnoreCase("OF");
            // the action's own words: NO INHERIT t, NO FORCE ROW LEVEL SECURITY
            int own = words[0].equalsIgnoreCase("NO") ? 2 : 1;
            if (typed || SqlText.hasTopLevelComma(unread) || UNREAD_ACTION_WORDS.stream().anyMatch(
                    word -> Arrays.stream(words).skip(own).anyMatch(word::equalsIgnoreCase))) {
                throw new Rejection("ALTER TABLE " + Identifiers.key(alter.getTable().getName()) + " naming a"
                        + " configured table, with an action Cloak's parser does not read ("
                        // a keyword only: the unread text may hold a literal, which a message never quotes
                        + (words[0].matches("[A-Za-z_]{1,40}") ? words[0].toUpperCase(Locale.ROOT) : "an action")
                        + " …) followed by more actions, or giving the table a"
                        + " type, is not supported: send each action as an ALTER TABLE statement of its own");
            }
        }
    }

    /**
     * An {@code ALTER TABLE} action JSqlParser keeps as text may name another table where Cloak does not look:
     * MariaDB's {@code UNION=(t, …)} makes a MERGE table over {@code t}, whose rows are then read and written past
     * the policy. Such an action may name no configured table or known view, other than as the parent or partition
     * {@link SharedRows} checks ({@code INHERIT}, {@code ATTACH}, {@code DETACH}); a string in it is no name.
     */
    private void refuseUnreadMentions(Alter alter) {
        for (AlterExpression expression : orEmpty(alter.getAlterExpressions())) {
            String unread = expression.getOperation() == AlterOperation.UNSPECIFIC
                    ? expression.getOptionalSpecifier() : null;
            if (unread == null || !tables.mayMention(unread)) {
                continue;
            }
            List<SqlToken> names = SqlLexer.read(unread, dialect == null ? Dialect.POSTGRESQL : dialect).tokens()
                    .stream().filter(t -> t.kind() == TokenKind.WORD || t.kind() == TokenKind.QUOTED_IDENTIFIER)
                    .toList();
            String first = names.isEmpty() ? "" : unread.substring(names.get(0).start(), names.get(0).end());
            if (SHARED_ROW_ACTIONS.contains(first.toUpperCase(Locale.ROOT))) {
                continue;
            }
            for (SqlToken name : names) {
                String text = unread.substring(name.start(), name.end());
                if (tables.mayMention(text)) {
                    throw new Rejection("ALTER TABLE " + Identifiers.key(alter.getTable().getName()) + " with an"
                            + " action Cloak's parser does not read, which names configured table or view "
                            + tables.mentioned(text) + ", is not supported: it may make a table over that table's rows"
                            + " which Cloak would not know; reach its rows through its own name");
                }
            }
        }
    }

    /** Unread actions whose named table {@link SharedRows} checks. */
    private static final Set<String> SHARED_ROW_ACTIONS = Set.of("INHERIT", "NO", "ATTACH", "DETACH");

    /** PostgreSQL's typed table, {@code CREATE TABLE t OF type}, as JSqlParser prints it (not {@code PARTITION OF}). */
    private static final Pattern TYPED_TABLE = Pattern.compile("(?i)(?<!PARTITION)\\s+OF\\s");

    /** A column's own {@code REFERENCES t (c)}, as JSqlParser keeps it among the column's specs. */
    private static final Pattern INLINE_REFERENCE = Pattern.compile(
            "(?i)(?<![\\p{L}\\p{N}_$])REFERENCES\\s+([^\\s(]+)(?:\\s*\\(\\s*([^\\s),]+)\\s*\\))?");

    /** The foreign keys a CREATE TABLE declares, on a plain table too (it may reference an encrypted column). */
    private void foreignKeys(CreateTable create) {
        for (ColumnDefinition definition : orEmpty(create.getColumnDefinitions())) {
            inlineReference(create.getTable(), definition.getColumnName(), definition.getColumnSpecs());
        }
        for (Index index : orEmpty(create.getIndexes())) {
            if (index instanceof ForeignKeyIndex key) {
                foreignKey(create.getTable(), key.getColumnsNames(), key.getTable(), key.getReferencedColumnNames());
            }
        }
    }

    /** The foreign keys an ALTER TABLE adds, as constraints or on added columns. */
    private void foreignKeys(Alter alter) {
        for (AlterExpression expression : orEmpty(alter.getAlterExpressions())) {
            if (expression.getIndex() instanceof ForeignKeyIndex key) {
                foreignKey(alter.getTable(), key.getColumnsNames(), key.getTable(), key.getReferencedColumnNames());
            } else if (expression.getFkSourceTable() != null) {
                foreignKey(alter.getTable(), expression.getFkColumns(), new Table(expression.getFkSourceTable()),
                        expression.getFkSourceColumns());
            }
            for (AlterExpression.ColumnDataType definition : orEmpty(expression.getColDataTypeList())) {
                inlineReference(alter.getTable(), definition.getColumnName(), definition.getColumnSpecs());
            }
        }
    }

    private void inlineReference(Table table, String column, List<String> specs) {
        Matcher reference = specs == null ? null : INLINE_REFERENCE.matcher(String.join(" ", specs));
        if (reference != null && reference.find()) {
            String[] parts = reference.group(1).split("\\.");
            Table referenced = new Table(parts[parts.length - 1]);
            if (parts.length > 1) {
                referenced.setSchemaName(parts[parts.length - 2]);
            }
            foreignKey(table, List.of(column), referenced,
                    reference.group(2) == null ? null : List.of(reference.group(2)));
        }
    }

    /**
     * Each pair of a foreign key's columns compares equal in the database only as two plain columns, or as two
     * deterministic ones of one key domain: a plain column referencing an encrypted one would compare plaintext with
     * ciphertext, and {@code ON UPDATE CASCADE} would copy cells into it, read back raw.
     */
    private void foreignKey(Table table, List<String> columns, Table referenced, List<String> referencedColumns) {
        if (table == null || referenced == null || referenced.getName() == null || columns == null) {
            return;
        }
        List<String> key = referencedColumns;
        if (key == null && !tables.columnsOf(referenced).isEmpty()) {
            // REFERENCES t without a column list: t's primary key, which may be an encrypted column
            key = catalog.primaryKey(referenced.getSchemaName(), referenced.getName());
            if (key == null) {
                throw Rejection.catalogUnavailable("a FOREIGN KEY referencing configured table "
                        + tables.policyName(referenced) + " without a column list is not supported where Cloak cannot"
                        + " read that table's primary key from the database: name the referenced columns");
            }
        }
        if (key == null) {
            return;
        }
        for (int i = 0; i < Math.min(columns.size(), key.size()); i++) {
            EncryptedColumn from = tables.column(table, columns.get(i));
            EncryptedColumn to = tables.column(referenced, key.get(i));
            if (from != null || to != null) {
                CiphertextRules.requireJoinable(from, to, "a FOREIGN KEY", "its columns");
            }
        }
    }

    /** Words that start another action or compute a value: none may follow an unread action's first word. */
    private static final Set<String> UNREAD_ACTION_WORDS = Set.of("ALTER", "ADD", "MODIFY", "CHANGE", "DROP",
            "RENAME", "GENERATED", "CHECK", "INHERIT", "ATTACH", "DETACH");

    /** The schema of PostgreSQL's {@code ALTER TABLE t SET SCHEMA s}, as written; null for any other expression. */
    private static String schemaMovedTo(AlterExpression expression) {
        String specifier = expression.getOptionalSpecifier();
        if (expression.getOperation() != AlterOperation.UNSPECIFIC || specifier == null) {
            return null;
        }
        String[] words = specifier.trim().split("\\s+");
        return words.length >= 3 && words[0].equalsIgnoreCase("SET") && words[1].equalsIgnoreCase("SCHEMA")
                ? words[2] : null;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Rejection defaultRefused(EncryptedColumn column) {
        return new Rejection("a DEFAULT value for encrypted column " + column.name() + " is not supported: the"
                + " database would store it in plaintext; insert values through Cloak");
    }

    /**
     * A column definition of a configured table: an encrypted column gets the dialect's binary type, sized for its
     * largest cell, and may carry only constraints that compare ciphertexts for equality.
     *
     * @return whether the definition was rewritten
     */
    private boolean declareColumn(Table table, ColumnDefinition definition) {
        EncryptedColumn column = tables.column(table, definition.getColumnName());
        if (column == null) {
            readsNoEncryptedColumn(table, definition);
            return false;
        }
        List<String> specs = definition.getColumnSpecs() == null ? List.of() : definition.getColumnSpecs();
        String words = String.join(" ", specs).toUpperCase(Locale.ROOT);
        if (words.contains("DEFAULT") && !words.matches(".*DEFAULT\\s+NULL\\b.*")) {
            throw defaultRefused(column);
        }
        if (words.contains("CHECK") || words.contains("GENERATED") || words.contains(" AS ")
                || words.startsWith("AS ") || words.matches("(.*\\s)?ON\\s+UPDATE\\b.*")) {
            // ON UPDATE (H2's expression, MariaDB's CURRENT_TIMESTAMP) would store a value the database computes
            throw new Rejection("a CHECK constraint, ON UPDATE or generated expression on encrypted column "
                    + column.name() + " is not supported: the database only sees its ciphertext");
        }
        if (words.contains("UNIQUE") || words.contains("PRIMARY") || words.contains("REFERENCES")) {
            CiphertextRules.requireDeterministic(column, "a UNIQUE, PRIMARY KEY or REFERENCES constraint");
        }
        declared.add(column);
        ColDataType type = definition.getColDataType();
        if (dialect == null) {
            if (isBinaryType(type.getDataType())) {
                return false;
            }
            throw new Rejection("DDL declaring encrypted column " + column.name() + " as " + type.getDataType()
                    + " cannot be rewritten for this database: declare the column with the database's binary type");
        }
        long cell = CellSize.of(column, type.getDataType(), type.getArgumentsStringList());
        String[] binary = dialect.binaryType(cell);
        type.setDataType(binary[0]);
        type.setArgumentsStringList(binary.length > 1 ? List.of(binary[1]) : null);
        type.setCharacterSet(null);
        type.setArrayData(new ArrayList<>());
        definition.setColumnSpecs(withoutTextAttributes(specs));
        return true;
    }

    /** Words that start a column's expression: its DEFAULT, H2's and MariaDB's ON UPDATE, generated or CHECK. */
    private static final List<String> COMPUTING_WORDS = List.of(" DEFAULT ", " ON UPDATE ", " CHECK", " GENERATED ",
            " AS ");

    /**
     * A plain column's DEFAULT, ON UPDATE, generated or CHECK expression may not read an encrypted column of its
     * table: it would compute over ciphertext (a literal compared with it is sent and stored in plaintext), and a
     * copy of the cells would be read back, raw, through the plain column.
     */
    private void readsNoEncryptedColumn(Table table, ColumnDefinition definition) {
        // REFERENCES other (c) names another table's column
        String specs = String.join(" ", orEmpty(definition.getColumnSpecs()).stream()
                .filter(spec -> !spec.regionMatches(true, 0, "REFERENCES", 0, "REFERENCES".length())).toList());
        String words = " " + specs.toUpperCase(Locale.ROOT) + " ";
        if (COMPUTING_WORDS.stream().anyMatch(words::contains)) {
            computesNoEncryptedValue(table, definition.getColumnName(),
                    "a DEFAULT, ON UPDATE, generated or CHECK expression", specs);
        }
    }

    /**
     * Refuses {@code what} (a DEFAULT, ON UPDATE, generated, CHECK or USING expression) of plain column {@code column}
     * when its text names an encrypted column of {@code table}.
     */
    private void computesNoEncryptedValue(Table table, String column, String what, String text) {
        EncryptedColumn encrypted = tables.encryptedColumnNamedIn(table, text);
        if (encrypted != null) {
            throw new Rejection(what + " of column " + Identifiers.unquote(column) + " that reads encrypted column "
                    + encrypted.name() + " is not supported: it would compute over its ciphertext, and a copy would"
                    + " be read back as raw ciphertext; compute the value in the application and store it through"
                    + " Cloak");
        }
    }

    /** The column specs without COLLATE and CHARACTER SET, which belong to text types, not to the binary one. */
    private static List<String> withoutTextAttributes(List<String> specs) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String word = specs.get(i).toUpperCase(Locale.ROOT);
            if (word.equals("COLLATE") || word.equals("CHARSET")) {
                i++;
            } else if (word.equals("CHARACTER") && i + 1 < specs.size()
                    && specs.get(i + 1).equalsIgnoreCase("SET")) {
                i += 2;
            } else {
                kept.add(specs.get(i));
            }
        }
        return kept.isEmpty() ? null : kept;
    }

    /**
     * Table constraints: FOREIGN KEY needs deterministic columns, CHECK none at all; indexes, UNIQUE, PRIMARY KEY and
     * EXCLUDE follow {@link IndexRules}.
     */
    private void constraint(Table table, Index index) {
        if (index instanceof CheckConstraint check) {
            EncryptedColumn column = tables.encryptedColumnNamedIn(table, String.valueOf(check.getExpression()));
            if (column != null) {
                throw new Rejection("a CHECK constraint on encrypted column " + column.name()
                        + " is not supported: the database only sees its ciphertext");
            }
            return;
        }
        if (!(index instanceof ForeignKeyIndex)) {
            new IndexRules(tables, sql, parameterCount, dialect).checkDeclared(table, index);
            return;
        }
        for (String name : index.getColumns() == null ? List.<String>of() : index.getColumnsNames()) {
            EncryptedColumn column = tables.column(table, name);
            if (column != null) {
                CiphertextRules.requireDeterministic(column, "a FOREIGN KEY constraint");
            }
        }
    }

    /** The deparsed statement, which must parse again to the same statement kind before it is sent. */
    private static StatementPlan rewrittenDdl(Statement statement) {
        String text = statement.toString();
        try {
            Statement again = JdbcParameterTokens.parser(text).Statement();
            if (again.getClass() != statement.getClass()) {
                throw new IllegalStateException("different statement");
            }
        } catch (Exception | StackOverflowError e) {
            throw new Rejection("DDL declaring an encrypted column could not be rewritten to a binary type: declare"
                    + " the column with the database's binary type yourself");
        }
        return StatementPlan.builder(StatementPlan.Kind.DDL, text, SqlText.countParameters(text)).build();
    }

    private StatementPlan ddl(Table table) {
        return table != null && tables.isConfigured(table) ? ddlPlan() : passThrough();
    }

    /** A DDL plan that changes {@code table}'s columns; when {@code viewsStale}, views over it may change too. */
    private StatementPlan changing(StatementPlan plan, Table table, boolean viewsStale) {
        return StatementPlan.builder(StatementPlan.Kind.DDL, plan.sql(), plan.parameterCount())
                .changedTables(Set.of(Identifiers.key(table.getName()))).declaredColumns(declared)
                .lockedColumns(tables.tableColumns(List.of(table))).viewsStale(viewsStale).build();
    }

    /**
     * DROP of configured tables or known views: what Cloak read about them is stale, a dropped view is forgotten,
     * and the views over a dropped table are read again. Other DROPs pass through.
     */
    private StatementPlan drop(Drop drop) {
        List<Table> names = drop.getNames() != null && !drop.getNames().isEmpty() ? drop.getNames()
                : drop.getName() == null ? List.of() : List.of(drop.getName());
        String type = String.valueOf(drop.getType()).toUpperCase(Locale.ROOT);
        boolean relation = type.equals("TABLE") || type.equals("VIEW") || type.endsWith(" VIEW");
        if (!relation || names.stream().noneMatch(tables::isConfigured)) {
            return names.stream().anyMatch(tables::isConfigured) ? ddlPlan() : passThrough();
        }
        Set<String> changed = new HashSet<>();
        Set<String> droppedViews = new HashSet<>();
        for (Table name : names) {
            changed.add(Identifiers.key(name.getName()));
            if (type.contains("VIEW")) {
                droppedViews.add(Identifiers.key(name.getName()));
            }
        }
        return StatementPlan.builder(StatementPlan.Kind.DDL, sql, parameterCount).changedTables(changed)
                .lockedColumns(tables.tableColumns(names)).droppedViews(droppedViews).viewsStale(true).build();
    }

    /** The old and new names of RENAME TABLE or ALTER VIEW, lower-case. */
    private static Set<String> renamedNames(Statement statement) {
        Set<String> names = new HashSet<>();
        if (statement instanceof AlterView view && view.getView() != null) {
            names.add(Identifiers.key(view.getView().getName()));
        } else if (statement instanceof RenameTableStatement rename) {
            rename.getTableNames().forEach(pair -> {
                names.add(Identifiers.key(pair.getKey().getName()));
                names.add(Identifiers.key(pair.getValue().getName()));
            });
        }
        return names;
    }

    private StatementPlan ddlPlan() {
        return StatementPlan.builder(StatementPlan.Kind.DDL, sql, parameterCount).build();
    }

    private StatementPlan passThrough() {
        return StatementPlan.passThrough(sql, parameterCount);
    }

    /** Types that already hold a cell unchanged, so DDL for an unknown dialect may pass as written. */
    private static boolean isBinaryType(String dataType) {
        String t = dataType.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        return t.equals("BYTEA") || t.contains("BINARY") || t.endsWith("BLOB") || t.equals("RAW") || t.equals("IMAGE");
    }
}
