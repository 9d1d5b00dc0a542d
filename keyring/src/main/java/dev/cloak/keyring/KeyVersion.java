package dev.cloak.keyring;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a key domain: the Tink key id every cell encrypted under it carries in its 5-byte prefix,
 * and what the version may still do. Never holds key bytes.
 *
 * @param id        the Tink key id (printed unsigned, see {@link #idText()})
 * @param status    what the version may still do
 * @param createdAt when the version was created, or null when the store does not know (kept before versions had a
 *                  creation time)
 */
public record KeyVersion(int id, KeyVersionStatus status, Instant createdAt) {

    /** Checks the status is given. */
    public KeyVersion {
        Objects.requireNonNull(status, "status");
    }

    /** A version whose creation time is not known. */
    public KeyVersion(int id, KeyVersionStatus status) {
        this(id, status, null);
    }

    /** This version with another status; its creation time stays. */
    public KeyVersion withStatus(KeyVersionStatus changed) {
        return new KeyVersion(id, changed, createdAt);
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
