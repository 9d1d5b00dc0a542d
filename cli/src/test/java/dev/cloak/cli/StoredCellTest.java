package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class StoredCellTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void describeSeparatesFormatModeKeyIdAndShortensTheCiphertext() {
        byte[] cell = HEX.parseHex("0102" + "01a4c3b2f0" + "00112233445566778899aabbccddeeff" + "deadbeef");

        assertThat(StoredCell.describe(cell)).isEqualTo("01 02 01a4c3b2f0 001122334455...deadbeef (27 bytes)");
    }

    @Test
    void describeShowsAShortCiphertextWhole() {
        byte[] cell = HEX.parseHex("0101" + "01a4c3b2f0" + "0011223344");

        assertThat(StoredCell.describe(cell)).isEqualTo("01 01 01a4c3b2f0 0011223344 (12 bytes)");
    }

    @Test
    void describeOfNullIsNull() {
        assertThat(StoredCell.describe(null)).isEqualTo("NULL");
    }
}
