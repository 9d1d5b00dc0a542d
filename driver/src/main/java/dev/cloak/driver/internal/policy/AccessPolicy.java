package dev.cloak.driver.internal.policy;

import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditException;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.audit.AuditTrail;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Who reads what: the access policy's decision for a principal and an encrypted column, and what the decision
 * makes of a stored cell. Principals match case-insensitively, because databases fold user names (H2 upper-cases
 * {@code analytics}); a principal no rule names gets the policy's default.
 */
public final class AccessPolicy {

    /** A masked string keeps this many characters at its end. */
    private static final int MASK_VISIBLE = 4;

    private final DecryptAccess defaultAccess;
    /** The rules of each column, by the identity of the policy's own column objects, which codecs carry. */
    private final Map<ColumnPolicy, Map<String, DecryptAccess>> byColumn;
    private final AuditTrail audit;

    AccessPolicy(CloakConfig config, AuditTrail audit) {
        this.defaultAccess = config.defaultAccess();
        this.audit = audit;
        Map<ColumnPolicy, Map<String, DecryptAccess>> byColumn = new IdentityHashMap<>();
        for (ColumnPolicy column : config.columns()) {
            byColumn.put(column, byPrincipal(config, column));
        }
        this.byColumn = byColumn;
    }

    private static Map<String, DecryptAccess> byPrincipal(CloakConfig config, ColumnPolicy column) {
        Map<String, DecryptAccess> access = new HashMap<>();
        for (AccessRule rule : config.accessRules()) {
            for (String name : rule.columns()) {
                if (sameColumn(name, column)) {
                    access.putIfAbsent(principalKey(rule.principal()), rule.decrypt());
                }
            }
        }
        return Map.copyOf(access);
    }

    private static boolean sameColumn(String ruleName, ColumnPolicy column) {
        String rule = ruleName.replace("\"", "");
        String name = column.name();
        String shortName = column.table() + "." + column.column();
        return column.quoted() ? rule.equals(name) || rule.equals(shortName)
                : rule.equalsIgnoreCase(name) || rule.equalsIgnoreCase(shortName);
    }

    private static String principalKey(String principal) {
        return principal.toLowerCase(Locale.ROOT);
    }

    /** What {@code principal} (null when none is known) gets when it reads {@code column}. */
    public DecryptAccess decide(ColumnPolicy column, String principal) throws SQLException {
        Map<String, DecryptAccess> rules = byColumn.get(column);
        if (rules == null) {
            // codecs only carry the policy's own columns; anything else is a bug: refuse, do not guess
            throw SqlErrors.of(SqlState.INTERNAL_ERROR, "Cloak has no policy for column " + column.name());
        }
        DecryptAccess access = principal == null ? null : rules.get(principalKey(principal));
        return access != null ? access : defaultAccess;
    }

    /**
     * What {@code principal} reads from the encrypted cell at {@code index} of {@code row} under {@code access}:
     * allow the plaintext, null SQL NULL, mask a string with only its last 4 characters (other values read as
     * NULL); deny is recorded on the audit trail and refused (28000) without reading the cell.
     *
     * @return the canonical value, or null for SQL NULL
     */
    public Object read(DecryptAccess access, String principal, ResultSet row, int index, CellCodec codec)
            throws SQLException {
        ColumnPolicy column = codec.column();
        if (access == DecryptAccess.DENY) {
            recordDenied(column, principal);
            throw SqlErrors.of(SqlState.ACCESS_DENIED, "Principal " + principal + " may not read encrypted column "
                    + column.name() + " (access policy: deny)");
        }
        byte[] cell = row.getBytes(index);
        if (cell == null || access == DecryptAccess.NULL) {
            return null;
        }
        Object value = codec.decrypt(cell);
        return access == DecryptAccess.MASK ? mask(value) : value;
    }

    /** A trail that cannot record the denial fails the read (58030) instead of letting it go unrecorded. */
    private void recordDenied(ColumnPolicy column, String principal) throws SQLException {
        try {
            audit.record(principal, AuditEvent.ACCESS_DENIED, column.keyDomain(), null, AuditOutcome.DENIED);
        } catch (AuditException e) {
            throw SqlErrors.of(SqlState.UNAVAILABLE, "access denial on column " + column.name()
                    + " cannot be audited: " + e.getMessage(), e);
        }
    }

    private static Object mask(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        int length = s.codePointCount(0, s.length());
        int hidden = Math.max(0, length - MASK_VISIBLE);
        int cut = s.offsetByCodePoints(0, hidden);
        return "*".repeat(hidden) + s.substring(cut);
    }
}
