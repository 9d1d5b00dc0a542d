package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.codec.ValueConverter;
import dev.cloak.rewriter.EncryptedColumn;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Calendar;

/**
 * A result set whose encrypted columns are decrypted as they are read, as the access policy allows. Each
 * column's codec and access decision are looked up on its first read and then reused for every row, until the
 * connection's principal changes ({@code setPrincipal}, {@code endRequest}): the decisions and the values read are
 * then forgotten and decided again for the new principal.
 *
 * <p>A cell is decrypted only when the application reads its column, and at most once per row: the value read
 * (after the access policy: plaintext, masked or NULL) is kept until the cursor moves, the row changes
 * ({@code updateRow}, {@code refreshRow}, …), the column is updated, or the result set closes, so a second getter
 * on the same column ({@code getString} then {@code getObject}) converts it again without decrypting it again. A
 * denied read is refused, and audited, every time.
 */
final class DecryptingResultSet extends DelegatingResultSet {

    private final EncryptedColumn[] columns;
    private final EncryptingConnection connection;
    // per result column, filled on first read: the policy lookups are not repeated for every cell
    private final CellCodec[] codecs;
    private final DecryptAccess[] access;
    /** Per result column, the current row's value once read (null for SQL NULL), else {@link #UNREAD}. */
    private final Object[] values;
    /** Whether {@link #values} holds anything read from the current row. */
    private boolean rowRead;
    /** The principal {@link #access} and {@link #values} were decided for; compared by identity on every read. */
    private String decidedFor;

    /** What {@link #values} holds for a column not read from the current row. */
    private static final Object UNREAD = new Object();

    /** @param columns the encrypted column of each result column (index 0 unused), or null when none is */
    DecryptingResultSet(Statement owner, ResultSet delegate, EncryptedColumn[] columns,
            EncryptingConnection connection) {
        super(owner, delegate);
        this.columns = columns;
        this.connection = connection;
        this.codecs = columns == null ? null : new CellCodec[columns.length];
        this.access = columns == null ? null : new DecryptAccess[columns.length];
        this.values = columns == null ? null : new Object[columns.length];
        if (values != null) {
            Arrays.fill(values, UNREAD);
        }
    }

    @Override
    protected boolean isEncrypted(int columnIndex) {
        return columns != null && columnIndex > 0 && columnIndex < columns.length && columns[columnIndex] != null;
    }

    @Override
    protected int encryptedIndex(String columnLabel) throws SQLException {
        if (columns == null) {
            return 0;
        }
        int index = delegate.findColumn(columnLabel);
        return isEncrypted(index) ? index : 0;
    }

    @Override
    protected <T> T readEncrypted(int columnIndex, Class<T> type, Calendar cal) throws SQLException {
        CellCodec codec = codecOf(columnIndex);
        String principal = connection.getPrincipal();
        if (principal != decidedFor) {
            principalChanged(principal);
        }
        Object value = values[columnIndex];
        if (value == UNREAD) {
            value = connection.policy().access().read(accessOf(columnIndex, codec, principal), principal,
                    delegate, columnIndex, codec);
            values[columnIndex] = value;
            rowRead = true;
        }
        return value == null ? null : ValueConverter.fromCanonical(codec.column(), value, type, cal);
    }

    /** Forgets what was decided and read for another principal: nothing read for it is served to this one. */
    private void principalChanged(String principal) {
        Arrays.fill(access, null);
        rowChanged();
        decidedFor = principal;
    }

    /** Forgets the values read from the row: the next read of a column decrypts what the row holds then. */
    @Override
    protected void rowChanged() {
        if (rowRead) {
            Arrays.fill(values, UNREAD);
            rowRead = false;
        }
    }

    @Override
    protected void updateEncrypted(int columnIndex, Object value, int sqlType) throws SQLException {
        // an updatable result set writes the column as an UPDATE would: the access policy decides alike
        connection.policy().access().checkWrite(codecOf(columnIndex).column(), connection.getPrincipal());
        values[columnIndex] = UNREAD; // the delegate may read the staged value back
        if (value == null) {
            delegate.updateNull(columnIndex);
        } else {
            delegate.updateBytes(columnIndex, codecOf(columnIndex).encrypt(value, sqlType));
        }
    }

    private CellCodec codecOf(int columnIndex) throws SQLException {
        CellCodec codec = codecs[columnIndex];
        if (codec == null) {
            codec = connection.policy().codec(columns[columnIndex]);
            codecs[columnIndex] = codec;
        }
        return codec;
    }

    /** Decided for {@code principal} when the column is first read under it. */
    private DecryptAccess accessOf(int columnIndex, CellCodec codec, String principal) throws SQLException {
        DecryptAccess decided = access[columnIndex];
        if (decided == null) {
            decided = connection.policy().access().decide(codec.column(), principal);
            access[columnIndex] = decided;
        }
        return decided;
    }

    @Override
    protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) {
        return metaData == null ? null : new DecryptingResultSetMetaData(metaData, columns, connection.policy());
    }
}
