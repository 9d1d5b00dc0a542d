package dev.cloak.cli;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Objects;
import org.h2.api.Trigger;

/**
 * The shadow migration's trigger on H2 (see {@link ShadowSchema}): a row inserted, or updated with a new value in the
 * watched column, gets NULL in the cleared one. H2 gives a trigger class only its name, which carries both columns.
 * H2 must find this class on its class path (the Cloak CLI's jar, or the application's when it embeds H2).
 */
public final class H2ShadowTrigger implements Trigger {

    private int watched = -1;
    private int cleared = -1;

    @Override
    public void init(Connection connection, String schemaName, String triggerName, String tableName, boolean before,
                     int type) throws SQLException {
        String[] names = new String(HexFormat.of().parseHex(triggerName.substring("CLOAK_MIG_".length())
                .toLowerCase()), StandardCharsets.UTF_8).split("\u0000", 2);
        try (ResultSet c = connection.getMetaData().getColumns(null, schemaName, tableName, null)) {
            while (c.next()) {
                String name = c.getString("COLUMN_NAME");
                int index = c.getInt("ORDINAL_POSITION") - 1;
                if (name.equals(names[0])) {
                    watched = index;
                } else if (name.equals(names[1])) {
                    cleared = index;
                }
            }
        }
        if (watched < 0 || cleared < 0) {
            throw new SQLException("trigger " + triggerName + " names columns table " + tableName + " does not have");
        }
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        if (newRow != null && (oldRow == null || !Objects.deepEquals(oldRow[watched], newRow[watched]))) {
            newRow[cleared] = null;
        }
    }
}
