package dev.cloak.rewriter;

import java.util.Locale;

/**
 * SQL identifier quoting as the supported dialects write it: {@code "x"}, {@code `x`} and {@code [x]}, and a column
 * alias MariaDB takes from a string, {@code AS 'Client Name'} (JSqlParser keeps its quotes; PostgreSQL and H2 refuse
 * it, so it never reaches them).
 */
final class Identifiers {

    private Identifiers() {
    }

    static boolean isQuoted(String identifier) {
        if (identifier == null || identifier.length() < 2) {
            return false;
        }
        char first = identifier.charAt(0);
        char last = identifier.charAt(identifier.length() - 1);
        return (first == '"' && last == '"') || (first == '`' && last == '`') || (first == '[' && last == ']')
                || (first == '\'' && last == '\'');
    }

    static String unquote(String identifier) {
        if (!isQuoted(identifier)) {
            return identifier;
        }
        String inner = identifier.substring(1, identifier.length() - 1);
        char quote = identifier.charAt(0);
        // doubled quote characters inside a quoted identifier stand for one
        return quote == '[' ? inner : inner.replace(String.valueOf(quote) + quote, String.valueOf(quote));
    }

    /** The identifier unquoted and in lower case: how the analysis compares names of sources, aliases and columns. */
    static String key(String identifier) {
        return unquote(identifier).toLowerCase(Locale.ROOT);
    }

    /**
     * Whether a SQL identifier names a policy identifier. An unquoted SQL identifier matches a quoted policy
     * name case-insensitively too: its case folding depends on the database, and a false match only fails closed.
     */
    static boolean matches(String policyName, boolean policyQuoted, String sqlIdentifier) {
        if (sqlIdentifier == null) {
            return false;
        }
        String bare = unquote(sqlIdentifier);
        if (policyQuoted && isQuoted(sqlIdentifier)) {
            return policyName.equals(bare);
        }
        // servers fold case beyond ASCII too (H2 reads ı as I): a broader match only fails closed
        return policyName.equalsIgnoreCase(bare) || EncryptedSchema.fold(policyName).equals(EncryptedSchema.fold(bare));
    }
}
