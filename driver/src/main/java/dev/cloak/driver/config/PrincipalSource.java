package dev.cloak.driver.config;

import java.util.Locale;

/**
 * Who the principal of a connection is, as the access policy decides on it ({@code access.principal}). The
 * database decides who a session is, so by default Cloak asks it; an application that connects as one database user
 * for all its own users may name them instead, where the policy says so.
 */
public enum PrincipalSource {
    /**
     * The database session's own user ({@code current_user}), read once per physical connection. Any principal the
     * application names ({@code cloak.principal}, {@code setPrincipal}) is refused.
     */
    SESSION,
    /**
     * The principal the application names: {@code cloak.principal} or {@code CloakDataSource.setPrincipal} for
     * every connection, else {@code CloakConnection.setPrincipal}; without one, the session's user. The access
     * policy then holds only as far as the code that names principals can be trusted.
     */
    ASSERTED;

    /** The name in a policy file: {@code session} or {@code asserted}. */
    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The source named {@code name} in a policy file, or {@code null} when there is none. */
    public static PrincipalSource fromPolicyName(String name) {
        for (PrincipalSource source : values()) {
            if (source.policyName().equals(name)) {
                return source;
            }
        }
        return null;
    }
}
