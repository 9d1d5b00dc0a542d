package dev.cloak.driver.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One rule of the access policy: what {@code principal} gets when it uses {@code columns}.
 *
 * @param principal the connection principal the rule applies to, matched as the database compares user names:
 *                  exactly on PostgreSQL and MariaDB, ignoring ASCII case on H2, which upper-cases them
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
     * Which rules a policy may not hold twice for one column: those whose principals differ only in case, which are
     * one user on a database that folds user names (H2), and a mistake to keep apart on the others.
     */
    public static String principalKey(String principal) {
        return principal.toLowerCase(Locale.ROOT);
    }
}
