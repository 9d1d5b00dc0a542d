package dev.cloak.driver.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.policy.RewriterColumns;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.time.LocalDate;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The stored cell's layout, and the largest cell DDL declares measured against real cells. */
class CellFormatTest {

    private static final HexFormat HEX = HexFormat.of();
    /** A character UTF-8 encodes in four bytes, the most any character takes. */
    private static final String WIDEST = "\uD83D\uDE80";

    private final TestKeys keys = TestKeys.perDomain();

    private byte[] cellOf(ColumnPolicy column, Object value) throws Exception {
        return new CellCodec(column, keys).encrypt(value, Types.OTHER);
    }

    private static ColumnPolicy column(ColumnType type, EncryptionMode mode, int pad, int size) {
        return CellCodecTest.column("patients", "c", type, mode, pad, size);
    }

    @Test
    void aCellIsTheFormatByteTheModeByteAndTinksCiphertextWithItsKeyId() throws Exception {
        byte[] cell = cellOf(column(ColumnType.INT, EncryptionMode.DETERMINISTIC, 0, 0), 42);

        assertThat(cell[0]).isEqualTo(CellFormat.VERSION_1);
        assertThat(cell[1]).isEqualTo(CellFormat.modeByte(EncryptionMode.DETERMINISTIC)).isEqualTo((byte) 0x02);
        assertThat(cell[CellFormat.HEADER]).as("Tink's prefix byte").isEqualTo((byte) 0x01);
        assertThat(CellFormat.modeByte(EncryptionMode.RANDOMIZED)).isEqualTo((byte) 0x01);
    }

    @Test
    void deterministicVarcharOfElevenCharactersFillsItsDeclaredCellExactly() throws Exception {
        // 2 header + 21 SIV + (1 tag + 11 characters x 4 bytes)
        ColumnPolicy ssn = column(ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, 0, 11);

        assertThat(CellFormat.maxCellBytes(ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, 11, 0, 0)).isEqualTo(68);
        assertThat(cellOf(ssn, WIDEST.repeat(11))).hasSize(68);
    }

    @Test
    void randomizedVarcharWithPadBucketsFillsItsDeclaredCellExactly() throws Exception {
        // 2 + 33 GCM + (1 + 400 = 401, padded to 416)
        ColumnPolicy name = new ColumnPolicy(null, "patients", "c", false, ColumnType.VARCHAR,
                EncryptionMode.RANDOMIZED, "patients.c", 32, 100, ColumnPolicy.NO_SCALE, true);

        assertThat(CellFormat.maxCellBytes(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED, 100, 0, 32, true))
                .isEqualTo(451);
        assertThat(cellOf(name, WIDEST.repeat(100))).hasSize(451);
    }

    @Test
    void everyCellOfAColumnWithAFixedPadHasTheOneDeclaredSize() throws Exception {
        // 2 + 33 GCM + (1 + 32 + 1), whatever length the column declares: longer values are refused
        ColumnPolicy name = column(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED, 32, 100);

        assertThat(CellFormat.maxCellBytes(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED, 100, 0, 32)).isEqualTo(69);
        assertThat(CellFormat.maxCellBytes(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED, 0, 0, 32)).isEqualTo(69);
        assertThat(cellOf(name, "")).hasSize(69);
        assertThat(cellOf(name, "x".repeat(32))).hasSize(69);
        assertThat(cellOf(name, WIDEST.repeat(8))).hasSize(69);
    }

    @Test
    void fixedSizeTypeFillsItsDeclaredCellExactly() throws Exception {
        // 2 + 33 + (1 + 8 bytes of epoch day)
        assertThat(CellFormat.maxCellBytes(ColumnType.DATE, EncryptionMode.RANDOMIZED, 0, 0, 0)).isEqualTo(44);
        assertThat(cellOf(column(ColumnType.DATE, EncryptionMode.RANDOMIZED, 0, 0), LocalDate.of(1815, 12, 10))).hasSize(44);
    }

    @ParameterizedTest(name = "precision {0}")
    @ValueSource(ints = {1, 2, 9, 10, 18, 19, 38})
    void decimalOfItsDeclaredPrecisionFitsItsCell(int precision) throws Exception {
        ColumnPolicy amount = column(ColumnType.DECIMAL, EncryptionMode.DETERMINISTIC, 0, 0);
        BigInteger largest = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
        long declared = CellFormat.maxCellBytes(ColumnType.DECIMAL, EncryptionMode.DETERMINISTIC, 0, precision, 0);

        assertThat((long) cellOf(amount, new BigDecimal(largest, 2)).length).isLessThanOrEqualTo(declared);
        assertThat((long) cellOf(amount, new BigDecimal(largest.negate(), 2)).length).isLessThanOrEqualTo(declared);
    }

    @Test
    void textAndBytesWithoutADeclaredLengthAreUnbounded() {
        assertThat(CellFormat.maxCellBytes(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED, 0, 0, 0)).isEqualTo(-1);
        assertThat(CellFormat.maxCellBytes(ColumnType.BYTES, EncryptionMode.RANDOMIZED, -1, 0, 16, true)).isEqualTo(-1);
        assertThat(CellFormat.maxCellBytes(ColumnType.BYTES, EncryptionMode.RANDOMIZED, -1, 0, 16))
                .as("a fixed pad bounds every cell").isEqualTo(2 + 33 + 1 + 16 + 1);
        assertThat(CellFormat.maxCellBytes(ColumnType.DECIMAL, EncryptionMode.RANDOMIZED, 0, 0, 0)).isEqualTo(-1);
    }

    @Test
    void theRewriterIsToldThePolicysSizesAndRefusedATypeWithoutACellFormat() {
        ColumnPolicy ssn = new ColumnPolicy(null, "patients", "ssn", false, ColumnType.VARCHAR,
                EncryptionMode.DETERMINISTIC, "patients.ssn", 0, 11);
        var column = RewriterColumns.of(ssn);

        assertThat(column.cellSizes().maxCellBytes(column, "varchar", 11, 11)).isEqualTo(68);
        assertThatThrownBy(() -> column.cellSizes().maxCellBytes(column, "geometry", 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cellOfTheRightFormatAndModeIsRecognised() {
        byte[] cell = HEX.parseHex("0102" + "01a4c3b2f0" + "0011");

        assertThat(CellFormat.isCell(cell, EncryptionMode.DETERMINISTIC)).isTrue();
        assertThat(CellFormat.isCell(cell, EncryptionMode.RANDOMIZED)).isFalse();
    }

    @Test
    void plaintextBytesAreNotACell() {
        byte[] plaintext = "Ada Lovelace".getBytes(StandardCharsets.UTF_8);

        assertThat(CellFormat.isCell(plaintext, EncryptionMode.RANDOMIZED)).isFalse();
    }

    @Test
    void theKeyIdIsReadAfterTheTwoCloakHeaderBytes() {
        byte[] cell = {0x01, 0x01, 0x01, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00};

        assertThat(CellFormat.usesKey(cell, 0x12345678)).isTrue();
        assertThat(CellFormat.usesKey(cell, 0x12345679)).isFalse();
        assertThat(CellFormat.usesKey(new byte[] {0x01, 0x01, 0x01}, 0)).isFalse();
    }
}
