package dev.cloak.driver.internal.codec;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Parses the text forms of values that both binding and reading accept; each throws on anything inexact. */
final class TextValues {

    private TextValues() {
    }

    static LocalDateTime localDateTime(String s) {
        return LocalDateTime.parse(isoSeparator(s.strip()));
    }

    static OffsetDateTime offsetDateTime(String s) {
        return OffsetDateTime.parse(isoSeparator(s.strip()));
    }

    /** Only the canonical 36-character form: {@code UUID.fromString} also accepts short groups ("1-1-1-1-1"). */
    static UUID uuid(String s) {
        String t = s.strip();
        UUID u = UUID.fromString(t);
        if (!u.toString().equalsIgnoreCase(t)) {
            throw new IllegalArgumentException();
        }
        return u;
    }

    /** SQL writes {@code 2024-01-31 12:00}; java.time wants {@code 2024-01-31T12:00}. */
    private static String isoSeparator(String t) {
        return t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
    }
}
