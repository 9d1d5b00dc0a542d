package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.SqlLexer;
import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenKind;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.create.table.PartitionBound;
import net.sf.jsqlparser.statement.create.table.PartitionDefinition;
import net.sf.jsqlparser.statement.create.table.TablePartitioning;

/**
 * The partition key of a configured table ({@code PARTITION BY LIST (c)}, MariaDB's {@code RANGE COLUMNS (c)}, on
 * CREATE TABLE or ALTER TABLE). LIST and RANGE partitions are bounded by values of the key, written in the text (sent,
 * and kept in the catalog, in plaintext) and compared by the database with the stored values: a key that names an
 * encrypted column, alone or in an expression, would compare plaintext bounds with ciphertexts, so it is refused, and
 * its bounds with it. HASH and KEY partitioning hold no value of the key and pass. Bounds given apart from the key
 * ({@code PARTITION OF t FOR VALUES …}, {@code ATTACH PARTITION}, MariaDB's {@code ADD} and {@code REORGANIZE
 * PARTITION}) pass only when the catalog shows the key of {@code t}, and it reads no encrypted column.
 */
final class PartitionKeys {

    /** The partitioning types whose partitions are bounded by values of the key. */
    private static final Set<String> BOUNDED = Set.of("LIST", "RANGE");

    private final ConfiguredTables tables;
    private final Catalog catalog;

    PartitionKeys(ConfiguredTables tables, Catalog catalog) {
        this.tables = tables;
        this.catalog = catalog;
    }

    /** Refuses a CREATE TABLE's partitioning, or subpartitioning, by values of an encrypted column. */
    void check(Table table, TablePartitioning partitioning) {
        for (TablePartitioning level = partitioning; level != null; level = level.getSubPartitioning()) {
            String key = Objects.toString(level.getExpression(), "") + " "
                    + Objects.toString(level.getExpressionList(), "") + " " + Objects.toString(level.getColumns(), "");
            requirePlainKey(table, String.valueOf(level.getType()), key);
        }
    }

    /** Refuses {@code CREATE TABLE c PARTITION OF t FOR VALUES IN | FROM …} unless the key of {@code t} is plain. */
    void checkBounds(Table parent, PartitionBound bound) {
        if (bound != null && BOUNDED.contains(String.valueOf(bound.getType()))) {
            requirePlainKeyInCatalog(parent);
        }
    }

    /**
     * Refuses MariaDB's {@code ALTER TABLE t PARTITION BY …} by values of an encrypted column, and bounds the action
     * gives apart from the key ({@code ATTACH PARTITION c FOR VALUES …}, {@code ADD} or {@code REORGANIZE PARTITION})
     * unless the key is plain. {@code sql} is the statement, in which {@code ATTACH}'s bound is read.
     */
    void check(Table table, AlterExpression expression, String sql, Dialect dialect) {
        AlterOperation operation = expression.getOperation();
        if (operation == AlterOperation.PARTITION_BY) {
            String key = Objects.toString(expression.getPartitionExpression(), "") + " "
                    + Objects.toString(expression.getPartitionColumns(), "");
            requirePlainKey(table, String.valueOf(expression.getPartitionType()), key);
        }
        boolean bounded = operation == AlterOperation.ATTACH_PARTITION && attachesWithValues(sql, dialect)
                || (operation == AlterOperation.ADD_PARTITION || operation == AlterOperation.REORGANIZE_PARTITION)
                && hasValues(expression.getPartitionDefinitions());
        if (bounded) {
            requirePlainKeyInCatalog(table);
        }
    }

    private void requirePlainKeyInCatalog(Table parent) {
        String key = catalog.partitionKey(parent.getSchemaName(), parent.getName());
        if (key == null) {
            throw Rejection.catalogUnavailable("partition bounds of configured table " + tables.policyName(parent)
                    + " are not supported where Cloak cannot read the table's partition key from the database: its"
                    + " bounds would be sent in plaintext if the key read an encrypted column; retry when the catalog"
                    + " can be read");
        }
        String[] words = key.trim().split("[\\s(]+", 2);
        requirePlainKey(parent, words[0], key);
    }

    private void requirePlainKey(Table table, String type, String key) {
        String kind = type.toUpperCase(Locale.ROOT);
        EncryptedColumn column = tables.encryptedColumnNamedIn(table, key);
        if (column != null && BOUNDED.contains(kind)) {
            throw new Rejection(kind + " partitioning by encrypted column " + column.name() + " is not supported:"
                    + " its partition bounds would be sent and stored in plaintext, and compared with its"
                    + " ciphertexts; partition by a plain column, or by HASH or KEY");
        }
    }

    /** Whether MariaDB partition definitions hold values ({@code VALUES IN (…)}, {@code VALUES LESS THAN (…)}). */
    private static boolean hasValues(List<PartitionDefinition> definitions) {
        return definitions != null && definitions.stream()
                .anyMatch(definition -> definition.getValues() != null && !definition.getValues().isEmpty());
    }

    /** Whether an {@code ATTACH PARTITION} gives {@code FOR VALUES} other than a hash's {@code WITH (MODULUS …)}. */
    private static boolean attachesWithValues(String sql, Dialect dialect) {
        List<SqlToken> tokens = SqlLexer.read(sql, dialect == null ? Dialect.POSTGRESQL : dialect).tokens().stream()
                .filter(token -> token.kind() != TokenKind.COMMENT).toList();
        for (int i = 0; i + 2 < tokens.size(); i++) {
            if (word(sql, tokens.get(i), "FOR") && word(sql, tokens.get(i + 1), "VALUES")) {
                return !word(sql, tokens.get(i + 2), "WITH");
            }
        }
        return false;
    }

    private static boolean word(String sql, SqlToken token, String word) {
        return sql.substring(token.start(), token.end()).equalsIgnoreCase(word);
    }
}
