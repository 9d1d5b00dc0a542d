package dev.cloak.driver.internal.policy;

import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.driver.internal.telemetry.Telemetry;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditException;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.rewriter.ColumnUse;
import dev.cloak.rewriter.StatementPlan;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may do what with an encrypted column: the access policy's decision for a principal and a column, what the
 * decision makes of a stored cell, and which uses of the column in a statement it refuses before the statement is
 * sent. Principals match ignoring the case of ASCII letters ({@link AccessRule#principalKey}); a principal no rule
 * names gets the policy's default. Every refusal goes through {@link #denied}, which records it
 * on the audit trail.
 *
 * <p>What each decision allows besides reading:
 * <ul>
 *   <li>{@code allow}: every use.</li>
 *   <li>{@code deny}: no use at all: no lookup by value, comparison, join, grouping, copy, NULL test or write.</li>
 *   <li>{@code null} and {@code mask}: NULL tests, and writes of randomized columns. No lookup by value, comparison,
 *       join, grouping or copy, which would let the principal test guesses or link rows by values it may not read,
 *       and no write of a deterministic column, since a unique constraint on it would answer a guess too.</li>
 * </ul>
 */
public final class AccessPolicy {

    /** A masked string: this many stars, then its last {@link #MASK_VISIBLE} characters when it is long enough. */
    private static final String MASK_STARS = "****";
    /** A masked string keeps this many characters at its end, when it has at least {@link #MASK_SHOWN_FROM}. */
    private static final int MASK_VISIBLE = 4;
    /** Shorter strings show nothing: their last characters would be most or all of them. */
    private static final int MASK_SHOWN_FROM = 8;
    /** What every masked string that shows nothing reads as, as wide as one that shows its end. */
    private static final String MASK_ALL = "*".repeat(MASK_STARS.length() + MASK_VISIBLE);

    private final DecryptAccess defaultAccess;
    /** The rules of each column, by the identity of the policy's own column objects, which codecs carry. */
    private final Map<ColumnPolicy, Map<String, DecryptAccess>> byColumn;
    /** Whether no principal is refused anything: then statements need no check. */
    private final boolean allowsEverything;
    private final ColumnCodecs codecs;
    private final AuditTrail audit;
    private final Telemetry telemetry;

    AccessPolicy(CloakConfig config, AuditTrail audit, ColumnCodecs codecs) {
        this(config, audit, codecs, new Telemetry());
    }

    AccessPolicy(CloakConfig config, AuditTrail audit, ColumnCodecs codecs, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.defaultAccess = config.defaultAccess();
        this.audit = audit;
        this.codecs = codecs;
        Map<ColumnPolicy, Map<String, DecryptAccess>> byColumn = new IdentityHashMap<>();
        for (ColumnPolicy column : config.columns()) {
            byColumn.put(column, new HashMap<>());
        }
        for (AccessRule rule : config.accessRules()) {
            // the one matcher of policy column names decides which columns a rule covers
            for (ColumnPolicy column : config.columnsNamedBy(rule)) {
                byColumn.get(column).putIfAbsent(AccessRule.principalKey(rule.principal()), rule.decrypt());
            }
        }
        byColumn.replaceAll((column, rules) -> Map.copyOf(rules));
        this.byColumn = byColumn;
        this.allowsEverything = defaultAccess == DecryptAccess.ALLOW
                && config.accessRules().stream().allMatch(rule -> rule.decrypt() == DecryptAccess.ALLOW);
    }

    /** What {@code principal} (null when none is known) gets when it reads {@code column}. */
    public DecryptAccess decide(ColumnPolicy column, String principal) throws SQLException {
        Map<String, DecryptAccess> rules = byColumn.get(column);
        if (rules == null) {
            // codecs only carry the policy's own columns; anything else is a bug: refuse, do not guess
            throw SqlErrors.of(SqlState.INTERNAL_ERROR, "Cloak has no policy for column " + column.name());
        }
        DecryptAccess access = principal == null ? null : rules.get(AccessRule.principalKey(principal));
        return access != null ? access : defaultAccess;
    }

    /**
     * Refuses a statement that uses an encrypted column in a way {@code principal} may not (see the class comment),
     * before anything of it is sent: SQLState 28000, recorded on the audit trail. Reading a column into the result
     * is decided per cell, by {@link #read}.
     */
    public void checkUses(StatementPlan plan, String principal) throws SQLException {
        List<ColumnUse> uses = plan.uses();
        if (allowsEverything || uses.isEmpty()) {
            return;
        }
        for (ColumnUse use : uses) {
            ColumnPolicy column = codecs.codec(use.column()).column();
            DecryptAccess access = decide(column, principal);
            if (!permits(access, use.kind(), column)) {
                throw denied(column, principal, access, use.kind().verb(), reason(access, use.kind()));
            }
        }
    }

    /**
     * Refuses (28000, audited) a value {@code principal} writes into {@code column} outside a statement's text, as
     * through an updatable result set: the same decision as for a value in an INSERT or UPDATE.
     */
    public void checkWrite(ColumnPolicy column, String principal) throws SQLException {
        if (allowsEverything) {
            return;
        }
        DecryptAccess access = decide(column, principal);
        if (!permits(access, ColumnUse.Kind.WRITE, column)) {
            throw denied(column, principal, access, ColumnUse.Kind.WRITE.verb(), reason(access, ColumnUse.Kind.WRITE));
        }
    }

    /** Whether {@code access} lets a principal make this use of {@code column}; the table of the class comment. */
    private static boolean permits(DecryptAccess access, ColumnUse.Kind use, ColumnPolicy column) {
        return switch (access) {
            case ALLOW -> true;
            case DENY -> false;
            case NULL, MASK -> use == ColumnUse.Kind.NULL_TEST
                    || use == ColumnUse.Kind.WRITE && column.mode() == EncryptionMode.RANDOMIZED;
        };
    }

    private static String reason(DecryptAccess access, ColumnUse.Kind use) {
        if (access == DecryptAccess.DENY) {
            return "";
        }
        return use == ColumnUse.Kind.WRITE
                ? ": a principal that may not read a deterministic column may not write it either, since a unique"
                        + " constraint on it would tell whether a value exists"
                : ": a principal that may not read the column may not use its values either, since lookups and"
                        + " comparisons would tell what they are";
    }

    /**
     * What {@code principal} reads from the encrypted cell at {@code index} of {@code row} under {@code access}:
     * allow the plaintext, null SQL NULL, mask a string as {@code ****} and its last 4 characters, or as
     * {@code ********} when it has fewer than 8, so every masked string has one width (other values read as NULL);
     * deny is recorded on the audit trail and refused (28000) without reading the cell.
     *
     * @return the canonical value, or null for SQL NULL
     */
    public Object read(DecryptAccess access, String principal, ResultSet row, int index, CellCodec codec)
            throws SQLException {
        ColumnPolicy column = codec.column();
        if (access == DecryptAccess.DENY) {
            throw denied(column, principal, access, "read", "");
        }
        byte[] cell = row.getBytes(index);
        if (cell == null || access == DecryptAccess.NULL) {
            return null;
        }
        Object value = codec.decrypt(cell);
        return access == DecryptAccess.MASK ? mask(value) : value;
    }

    /**
     * The one place a use of an encrypted column is refused: records the denial on the audit trail and returns the
     * exception to throw. A trail that cannot record it fails the statement (58030) instead of letting the denial go
     * unrecorded.
     */
    private SQLException denied(ColumnPolicy column, String principal, DecryptAccess access, String what,
                                String reason) throws SQLException {
        telemetry.accessDenied(principal, column.name());
        try {
            audit.record(principal, AuditEvent.ACCESS_DENIED, column.keyDomain(), null, AuditOutcome.DENIED);
        } catch (AuditException e) {
            throw SqlErrors.of(SqlState.UNAVAILABLE, "access denial on column " + column.name()
                    + " cannot be audited: " + e.getMessage(), e);
        }
        String who = principal == null || principal.isEmpty() ? "(a session user without a name)" : principal;
        return SqlErrors.of(SqlState.ACCESS_DENIED, "Principal " + who + " may not " + what
                + " encrypted column " + column.name() + " (access policy: " + access.policyName() + ")" + reason);
    }

    /** A fixed-width mask: the length of the value does not show, nor more than half of a short one. */
    static Object mask(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        int length = s.codePointCount(0, s.length());
        if (length < MASK_SHOWN_FROM) {
            return MASK_ALL;
        }
        return MASK_STARS + s.substring(s.offsetByCodePoints(0, length - MASK_VISIBLE));
    }
}
