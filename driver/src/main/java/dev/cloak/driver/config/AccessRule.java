package dev.cloak.driver.config;

import java.util.List;
import java.util.Objects;

/**
 * One rule of the access policy: what {@code principal} gets when it uses {@code columns}.
 *
 * @param principal the connection principal the rule applies to, matched ignoring the case of ASCII letters
 *                  ({@link #principalKey})
 * @param columns   policy names of the columns ({@code table.column} or {@code schema.table.column}), matched to
 *                  the policy's encrypted columns as SQL matches identifiers ({@link CloakConfig#columnsNamedBy})
 * @param decrypt   what the principal gets when it reads them, and so which other uses it is refused
 */
public record AccessRule(String principal, List<String> columns, DecryptAccess decrypt) {

    /** Checks that the rule names a principal and at least one column. */
    public AccessRule {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(decrypt, "decrypt");
        if (principal.isBlank()) {
            throw new IllegalArgumentException("an access rule's principal must not be empty");
        }
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("an access rule must name at least one column");
        }
    }

    /**
     * How principals compare: ignoring the case of ASCII letters, so that a rule written {@code Analytics} applies to
     * the role {@code analytics} an unquoted {@code CREATE ROLE Analytics} makes (and H2's {@code ANALYTICS}), and a
     * deny rule is not lost to a difference of case; never Unicode case folding, which no database applies to user
     * names (the Kelvin sign, U+212A, is not {@code k}). Two users whose names differ only in ASCII case are one
     * principal to Cloak.
     */
    public static String principalKey(String principal) {
        char[] chars = principal.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }
}
