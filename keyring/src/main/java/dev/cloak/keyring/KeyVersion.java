package dev.cloak.keyring;

import java.util.Objects;

/**
 * One version of a key domain: the Tink key id every cell encrypted under it carries in its 5-byte prefix,
 * and what the version may still do. Never holds key bytes.
 *
 * @param id     the Tink key id (printed unsigned, see {@link #idText()})
 * @param status what the version may still do
 */
public record KeyVersion(int id, KeyVersionStatus status) {

    /** Checks the status is given. */
    public KeyVersion {
        Objects.requireNonNull(status, "status");
    }

    /** The id as the CLI and the audit trail print it: unsigned decimal. */
    public String idText() {
        return Integer.toUnsignedString(id);
    }

    /** Parses an id printed by {@link #idText()}. */
    public static int parseId(String text) {
        return Integer.parseUnsignedInt(text.strip());
    }
}
