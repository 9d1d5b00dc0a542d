package dev.cloak.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogicalTypeMetaDataTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            VARCHAR     | 12    | VARCHAR                  | java.lang.String     | false
            INT         | 4     | INTEGER                  | java.lang.Integer    | true
            BIGINT      | -5    | BIGINT                   | java.lang.Long       | true
            SMALLINT    | 5     | SMALLINT                 | java.lang.Integer    | true
            DECIMAL     | 3     | DECIMAL                  | java.math.BigDecimal | true
            DOUBLE      | 8     | DOUBLE                   | java.lang.Double     | true
            BOOLEAN     | 16    | BOOLEAN                  | java.lang.Boolean    | false
            DATE        | 91    | DATE                     | java.sql.Date        | false
            TIME        | 92    | TIME                     | java.sql.Time        | false
            TIMESTAMP   | 93    | TIMESTAMP                | java.sql.Timestamp   | false
            TIMESTAMPTZ | 2014  | TIMESTAMP WITH TIME ZONE | java.sql.Timestamp   | false
            UUID        | 1111  | UUID                     | java.util.UUID       | false
            BYTES       | -3    | VARBINARY                | [B                   | false
            """)
    void encryptedColumnReportsItsLogicalType(ColumnType type, int jdbcType, String typeName, String className,
                                               boolean signed) throws SQLException {
        Recorder recorder = Recorder.defaults();
        ResultSetMetaData metaData = metaDataWith(type, 0, recorder);

        assertThat(metaData.getColumnType(1)).isEqualTo(jdbcType);
        assertThat(metaData.getColumnTypeName(1)).isEqualTo(typeName);
        assertThat(metaData.getColumnClassName(1)).isEqualTo(className);
        assertThat(metaData.isSigned(1)).isEqualTo(signed);
        assertThat(metaData.isCurrency(1)).isFalse();
        assertThat(metaData.getPrecision(1)).isNotNegative();
        assertThat(metaData.getColumnDisplaySize(1)).isPositive();
        assertThat(recorder.calls).as("no type question reaches the delegate").isEmpty();
    }

    @Test
    void declaredSizeIsThePrecisionOfTextAndBinaryColumns() throws SQLException {
        assertThat(metaDataWith(ColumnType.VARCHAR, 40, Recorder.defaults()).getPrecision(1)).isEqualTo(40);
        assertThat(metaDataWith(ColumnType.VARCHAR, 40, Recorder.defaults()).getColumnDisplaySize(1)).isEqualTo(40);
        assertThat(metaDataWith(ColumnType.BYTES, 16, Recorder.defaults()).getPrecision(1)).isEqualTo(16);
        assertThat(metaDataWith(ColumnType.VARCHAR, 0, Recorder.defaults()).getPrecision(1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(metaDataWith(ColumnType.TIMESTAMP, 0, Recorder.defaults()).getScale(1)).isEqualTo(6);
    }

    @Test
    void namesAndPlainColumnsComeFromTheDelegate() throws SQLException {
        Recorder recorder = Recorder.answering((method, args) -> switch (method.getName()) {
            case "getColumnLabel" -> "ssn";
            case "getColumnType" -> Types.VARBINARY;
            default -> null;
        });
        ResultSetMetaData metaData = metaDataWith(ColumnType.VARCHAR, 0, recorder);

        assertThat(metaData.getColumnLabel(1)).isEqualTo("ssn");
        assertThat(metaData.getColumnType(2)).isEqualTo(Types.VARBINARY);
        assertThat(recorder.callsStartingWith("getColumnLabel", "getColumnType")).hasSize(2);
    }

    @Test
    void aDecimalReportsItsDeclaredScale() throws SQLException {
        ColumnPolicy scaled = new ColumnPolicy(null, "patients", "balance", false, ColumnType.DECIMAL,
                EncryptionMode.RANDOMIZED, "patients.balance", 0, 0, 2);
        assertThat(LogicalColumnType.decimalDigits(scaled)).isEqualTo(2); // DatabaseMetaData.getColumns
        assertThat(LogicalColumnType.decimalDigits(new ColumnPolicy(null, "patients", "balance", false,
                ColumnType.DECIMAL, EncryptionMode.RANDOMIZED, "patients.balance", 0, 0))).isZero();
        ResultSetMetaData metaData = new DelegatingResultSetMetaData(
                Recorder.record(ResultSetMetaData.class, Recorder.defaults())) {
            @Override
            protected ColumnPolicy encryptedColumn(int column) {
                return scaled;
            }
        };
        assertThat(metaData.getScale(1)).isEqualTo(2);
    }

    /** Column 1 is encrypted with the given type; every other column is plain. */
    private static ResultSetMetaData metaDataWith(ColumnType type, int size, Recorder recorder) {
        ColumnPolicy policy = new ColumnPolicy(null, "patients", "ssn", false, type, EncryptionMode.DETERMINISTIC,
                "patients.ssn", 0, size);
        return new DelegatingResultSetMetaData(Recorder.record(ResultSetMetaData.class, recorder)) {
            @Override
            protected ColumnPolicy encryptedColumn(int column) {
                return column == 1 ? policy : null;
            }
        };
    }
}
