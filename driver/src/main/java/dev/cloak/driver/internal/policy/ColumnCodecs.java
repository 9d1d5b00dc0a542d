package dev.cloak.driver.internal.policy;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.rewriter.EncryptedColumn;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The codec of each encrypted column of a policy, found by the column objects the rewriter's plans carry. */
final class ColumnCodecs {

    private final Map<EncryptedColumn, CellCodec> byColumn;
    /**
     * The same codecs by the identity of the policy's own column objects, which the rewriter's plans carry: a
     * lookup on every result column and bound parameter then needs no record hashCode or equals.
     */
    private final Map<EncryptedColumn, CellCodec> byIdentity;
    private final Map<String, List<EncryptedColumn>> byName;

    /** @param codecs the codec of each column, in the policy's order */
    ColumnCodecs(LinkedHashMap<EncryptedColumn, CellCodec> codecs) {
        this.byColumn = Map.copyOf(codecs);
        this.byIdentity = new IdentityHashMap<>(codecs);
        Map<String, List<EncryptedColumn>> byName = new HashMap<>();
        for (EncryptedColumn column : codecs.keySet()) {
            byName.computeIfAbsent(column.column().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(column);
        }
        byName.replaceAll((k, v) -> List.copyOf(v));
        this.byName = Map.copyOf(byName);
    }

    CellCodec codec(EncryptedColumn column) throws SQLException {
        CellCodec codec = byIdentity.get(column);
        if (codec == null) {
            codec = byColumn.get(column);
        }
        if (codec == null) {
            // The rewriter only hands out columns of this policy; anything else is a bug: refuse, do not guess.
            throw noPolicyFor(column.name());
        }
        return codec;
    }

    /** The encrypted columns of any table whose column name is {@code lowerCaseName}. */
    List<EncryptedColumn> columnsNamed(String lowerCaseName) {
        return byName.getOrDefault(lowerCaseName, List.of());
    }

    CellCodec codecOf(ColumnPolicy column) throws SQLException {
        for (CellCodec codec : byColumn.values()) {
            if (codec.column().equals(column)) {
                return codec;
            }
        }
        throw noPolicyFor(column.name());
    }

    /** Empties every codec's hot-value memo: the policy is closing. */
    void close() {
        byColumn.values().forEach(CellCodec::close);
    }

    private static SQLException noPolicyFor(String column) {
        return SqlErrors.of(SqlState.INTERNAL_ERROR, "Cloak has no policy for column " + column);
    }
}
