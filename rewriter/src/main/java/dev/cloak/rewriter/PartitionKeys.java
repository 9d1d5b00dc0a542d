package dev.cloak.rewriter;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.create.table.TablePartitioning;

/**
 * The partition key of a configured table ({@code PARTITION BY LIST (c)}, MariaDB's {@code RANGE COLUMNS (c)}, on
 * CREATE TABLE or ALTER TABLE). LIST and RANGE partitions are bounded by values of the key, written in the text (sent,
 * and kept in the catalog, in plaintext) and compared by the database with the stored values: a key that names an
 * encrypted column, alone or in an expression, would compare plaintext bounds with ciphertexts, so it is refused, and
 * its bounds with it. HASH and KEY partitioning hold no value of the key and pass.
 */
final class PartitionKeys {

    /** The partitioning types whose partitions are bounded by values of the key. */
    private static final Set<String> BOUNDED = Set.of("LIST", "RANGE");

    private PartitionKeys() {
    }

    /** Refuses a CREATE TABLE's partitioning, or subpartitioning, by values of an encrypted column. */
    static void check(ConfiguredTables tables, Table table, TablePartitioning partitioning) {
        for (TablePartitioning level = partitioning; level != null; level = level.getSubPartitioning()) {
            String key = Objects.toString(level.getExpression(), "") + " "
                    + Objects.toString(level.getExpressionList(), "") + " " + Objects.toString(level.getColumns(), "");
            requirePlainKey(tables, table, String.valueOf(level.getType()), key);
        }
    }

    /** Refuses MariaDB's {@code ALTER TABLE t PARTITION BY …} by values of an encrypted column. */
    static void check(ConfiguredTables tables, Table table, AlterExpression expression) {
        if (expression.getOperation() == AlterOperation.PARTITION_BY) {
            String key = Objects.toString(expression.getPartitionExpression(), "") + " "
                    + Objects.toString(expression.getPartitionColumns(), "");
            requirePlainKey(tables, table, String.valueOf(expression.getPartitionType()), key);
        }
    }

    private static void requirePlainKey(ConfiguredTables tables, Table table, String type, String key) {
        String kind = type.toUpperCase(Locale.ROOT);
        EncryptedColumn column = tables.encryptedColumnNamedIn(table, key);
        if (column != null && BOUNDED.contains(kind)) {
            throw new Rejection(kind + " partitioning by encrypted column " + column.name() + " is not supported:"
                    + " its partition bounds would be sent and stored in plaintext, and compared with its"
                    + " ciphertexts; partition by a plain column, or by HASH or KEY");
        }
    }
}
