package dev.cloak.cli;

import java.util.HexFormat;

/**
 * A short, printable view of what the database holds in an encrypted column: the cell of SPEC §2.3,
 * {@code 01} (format), mode ({@code 01} randomized, {@code 02} deterministic), Tink key id, ciphertext.
 */
final class StoredCell {

    /** The format byte every Cloak cell of version 1 starts with. */
    static final byte FORMAT_V1 = 0x01;
    static final byte MODE_RANDOMIZED = 0x01;
    static final byte MODE_DETERMINISTIC = 0x02;

    private static final HexFormat HEX = HexFormat.of();
    private static final int TINK_PREFIX = 5;
    private static final int HEAD = 2 + TINK_PREFIX;
    private static final int SHOWN_BODY_START = 6;
    private static final int SHOWN_BODY_END = 4;

    private StoredCell() {
    }

    /** Whether {@code stored} is shaped like a version 1 cell of the given mode. */
    static boolean isCell(byte[] stored, byte mode) {
        return stored != null && stored.length > HEAD && stored[0] == FORMAT_V1 && stored[1] == mode;
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
        return HEX.formatHex(stored, 0, 1) + " " + HEX.formatHex(stored, 1, 2) + " "
                + HEX.formatHex(stored, 2, HEAD) + " " + body + size;
    }
}
