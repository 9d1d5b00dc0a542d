package dev.cloak.driver.jdbc;

/** The {@code mask} access of SPEC §2.5: strings keep their last 4 characters, other values read as NULL. */
final class Masking {

    private static final int VISIBLE = 4;

    private Masking() {
    }

    static Object mask(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        int length = s.codePointCount(0, s.length());
        int hidden = Math.max(0, length - VISIBLE);
        int cut = s.offsetByCodePoints(0, hidden);
        return "*".repeat(hidden) + s.substring(cut);
    }
}
