package dev.cloak.driver.config;

import java.util.List;
import java.util.Objects;

/**
 * One rule of the access policy: what {@code principal} gets when it reads {@code columns}.
 *
 * @param principal the connection principal the rule applies to, matched case-insensitively (databases fold
 *                  user names)
 * @param columns   policy names of the columns ({@code table.column} or {@code schema.table.column})
 * @param decrypt   what the principal gets when it reads them
 */
public record AccessRule(String principal, List<String> columns, DecryptAccess decrypt) {

    public AccessRule {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(decrypt, "decrypt");
        columns = List.copyOf(columns);
    }
}
