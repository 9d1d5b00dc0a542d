package dev.cloak.rewriter;

/**
 * What the database can do with ciphertext, and the refusals when a statement asks for more: equal plaintexts
 * have equal ciphertexts only under a deterministic key, two columns compare equal only when they share that
 * key, and a cell copied between columns decrypts only under the key domain and mode it was written with.
 */
final class CiphertextRules {

    private CiphertextRules() {
    }

    /** Grouping, deduplication, equality and unique constraints need equal ciphertexts for equal values. */
    static void requireDeterministic(EncryptedColumn column, String construct) {
        if (!column.deterministic()) {
            throw new Rejection(construct + " on randomized column " + column.name()
                    + " is not supported: equal values have different ciphertexts;"
                    + " make the column deterministic or leave it out");
        }
    }

    /**
     * Two columns compared by the database: both deterministic in one key domain, or the statement is refused.
     * Either may be null (a plain column), which is refused too.
     */
    static void requireJoinable(EncryptedColumn a, EncryptedColumn b, String construct, String what) {
        if (a == null || b == null) {
            EncryptedColumn encrypted = a != null ? a : b;
            throw new Rejection(construct + " on " + what + " compares encrypted column " + encrypted.name()
                    + " with a plain column: ciphertext never equals plaintext; join on plain columns");
        }
        if (!a.deterministic() || !b.deterministic() || !a.keyDomain().equals(b.keyDomain())) {
            throw new Rejection(construct + " between encrypted columns " + a.name() + " and " + b.name()
                    + " is not supported: only deterministic columns sharing one key domain compare equal;"
                    + " configure one with key: " + a.keyDomain() + " or join on other columns");
        }
    }

    /** A value the database copies from one column to another: both plain, or both one key domain and mode. */
    static void requireCopyable(EncryptedColumn to, EncryptedColumn from, String construct, String targetName) {
        if (to == null && from == null) {
            return;
        }
        if (to == null) {
            throw new Rejection(construct + " copying encrypted column " + from.name() + " into plain column "
                    + targetName + " is not supported: the plain column would hold ciphertext; copy plain columns");
        }
        if (from == null) {
            throw new Rejection(construct + " copying a plain value into encrypted column " + to.name()
                    + " is not supported: Cloak can only encrypt bound values; insert with ? parameters");
        }
        if (!to.keyDomain().equals(from.keyDomain()) || to.deterministic() != from.deterministic()) {
            throw new Rejection(construct + " copying encrypted column " + from.name() + " into encrypted column "
                    + to.name() + " is not supported: they use different keys; copy through the application");
        }
    }

    /** Columns whose ciphertexts one key decrypts alike, as the two sides of JOIN ... USING or NATURAL JOIN. */
    static boolean interchangeable(EncryptedColumn a, EncryptedColumn b) {
        return a.equals(b) || a.deterministic() && b.deterministic() && a.keyDomain().equals(b.keyDomain());
    }
}
