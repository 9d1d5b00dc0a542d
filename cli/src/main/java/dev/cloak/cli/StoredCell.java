package dev.cloak.cli;

import dev.cloak.driver.internal.codec.CellFormat;
import java.util.HexFormat;

/**
 * A short, printable view of what the database holds in an encrypted column, split where {@link CellFormat} says
 * the parts of a cell are: format, mode, Tink key id, ciphertext.
 */
final class StoredCell {

    private static final HexFormat HEX = HexFormat.of();
    private static final int HEAD = CellFormat.HEADER + CellFormat.TINK_PREFIX;
    private static final int SHOWN_BODY_START = 6;
    private static final int SHOWN_BODY_END = 4;

    private StoredCell() {
    }

    /** E.g. {@code 01 02 01a4c3b2f0 7d1e09c2aa5b...93e0c1f4 (35 bytes)}: format, mode, key id, shortened ciphertext. */
    static String describe(byte[] stored) {
        if (stored == null) {
            return "NULL";
        }
        String size = " (" + stored.length + " bytes)";
        if (stored.length <= HEAD) {
            return HEX.formatHex(stored) + size;
        }
        int bodyLength = stored.length - HEAD;
        String body = bodyLength <= SHOWN_BODY_START + SHOWN_BODY_END
                ? HEX.formatHex(stored, HEAD, stored.length)
                : HEX.formatHex(stored, HEAD, HEAD + SHOWN_BODY_START) + "..."
                        + HEX.formatHex(stored, stored.length - SHOWN_BODY_END, stored.length);
        return HEX.formatHex(stored, 0, 1) + " " + HEX.formatHex(stored, 1, CellFormat.HEADER) + " "
                + HEX.formatHex(stored, CellFormat.HEADER, HEAD) + " " + body + size;
    }
}
