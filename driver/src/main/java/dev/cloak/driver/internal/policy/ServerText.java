package dev.cloak.driver.internal.policy;

import com.google.crypto.tink.DeterministicAead;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.rewriter.Dialect;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.LiteralSlot;
import dev.cloak.rewriter.LookupSlot;
import dev.cloak.rewriter.StatementPlan;
import dev.cloak.rewriter.UnsupportedStatementException;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The text Cloak sends to the server for a plan: its SQL, with each literal of an encrypted column replaced by a
 * binary literal of its ciphertext in the dialect's syntax, and lookups expanded while their key domain rotates.
 * The plaintext literal never reaches the database.
 */
public final class ServerText {

    private final ColumnCodecs codecs;
    private final Dialect dialect;

    ServerText(ColumnCodecs codecs, Dialect dialect) {
        this.codecs = codecs;
        this.dialect = dialect;
    }

    /** The text to send for a plan, with its {@link #lookupKeys} read now. */
    public String of(StatementPlan plan) throws SQLException {
        return of(plan, lookupKeys(plan));
    }

    /** The text to send for a plan whose {@link #lookupKeys} were already read (null when it has no lookup). */
    public String of(StatementPlan plan, LookupKeys lookupKeys) throws SQLException {
        if (lookupKeys != null && lookupKeys.expansion() != null) {
            return lookupKeys.expansion().sql();
        }
        if (!plan.hasEncryptedLiterals()) {
            return plan.sql();
        }
        try {
            return plan.expand(column -> 1, (slot, version) ->
                    binaryLiteral(slot, codecs.codec(slot.column()).encrypt(slot.value(), Types.OTHER))).sql();
        } catch (UnsupportedStatementException refused) {
            throw SqlErrors.refused(refused);
        }
    }

    /**
     * The key versions a plan's lookups are sent and bound for, read once when a statement is prepared; null when
     * the plan has no lookup. Usually each looked-up domain has one version and the text goes as planned (the
     * cost is one cached key lookup per domain). While a key domain rotates, every {@code col = ?} compares with
     * one ciphertext per enabled version: the result then also holds the expanded text and where each parameter
     * went. A statement binds its lookups under exactly these versions, so its text and its values agree even if
     * the keyring's cache reloads a newer keyset while the statement is open.
     */
    public LookupKeys lookupKeys(StatementPlan plan) throws SQLException {
        if (plan.lookups().isEmpty()) {
            return null;
        }
        Map<String, List<DeterministicAead>> versions = new HashMap<>(4);
        boolean rotating = false;
        for (LookupSlot lookup : plan.lookups()) {
            EncryptedColumn column = lookup.column();
            if (!versions.containsKey(column.keyDomain())) {
                List<DeterministicAead> domainVersions = codecs.codec(column).lookupVersions();
                versions.put(column.keyDomain(), domainVersions);
                rotating |= domainVersions.size() > 1;
            }
        }
        if (!rotating) {
            return new LookupKeys(null, versions);
        }
        try {
            StatementPlan.Expansion expansion = plan.expand(column -> versions.get(column.keyDomain()).size(),
                    (slot, version) -> binaryLiteral(slot,
                            literalCell(slot, versions.get(slot.column().keyDomain()), version)));
            return new LookupKeys(expansion, versions);
        } catch (UnsupportedStatementException refused) {
            throw SqlErrors.refused(refused);
        }
    }

    /** A literal's cell: under a looked-up domain's version, or (a literal outside lookups) under the primary. */
    private byte[] literalCell(LiteralSlot slot, List<DeterministicAead> versions, int version) throws SQLException {
        CellCodec codec = codecs.codec(slot.column());
        return versions == null ? codec.encrypt(slot.value(), Types.OTHER)
                : codec.encryptUnder(slot.value(), Types.OTHER, versions.get(version));
    }

    private String binaryLiteral(LiteralSlot slot, byte[] cell) throws SQLException {
        if (dialect == null) {
            throw SqlErrors.refused("A literal for encrypted column " + slot.column().name() + " cannot be encrypted"
                    + " for this database (its binary literal syntax is unknown): bind it with a ? parameter");
        }
        String hex = HexFormat.of().formatHex(cell);
        // decode(…, 'hex') does not depend on standard_conforming_strings, unlike '\x…'
        return dialect == Dialect.POSTGRESQL ? "decode('" + hex + "', 'hex')" : "X'" + hex + "'";
    }

    /**
     * The key versions of a plan's looked-up domains, primary first, and the expanded text when a domain has
     * several ({@code null} otherwise).
     */
    public record LookupKeys(StatementPlan.Expansion expansion, Map<String, List<DeterministicAead>> versions) {

        /** Counts only: the versions are key material. */
        @Override
        public String toString() {
            return "LookupKeys[" + expansion + ", domains=" + versions.keySet() + "]";
        }
    }
}
