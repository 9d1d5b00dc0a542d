package dev.cloak.rewriter;

/** Internal unchecked carrier of a rejection message, so visitors can abort; never leaves the package. */
final class Rejection extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The phrase for a construct Cloak may handle one day; the message goes on with what to do instead. */
    static final String NOT_YET = " is not supported yet";

    /** Whether the refusal stems from a catalog that did not answer, so it must not be cached. */
    private final boolean transientFailure;

    Rejection(String message) {
        this(message, false);
    }

    private Rejection(String message, boolean transientFailure) {
        super(message, null, false, false);
        this.transientFailure = transientFailure;
    }

    /** A refusal because the database's catalog did not answer: the same text may be planned once it does. */
    static Rejection catalogUnavailable(String message) {
        return new Rejection(message, true);
    }

    /** The same refusal, its message led by {@code context}: where in a larger statement it was found. */
    Rejection within(String context) {
        return new Rejection(context + getMessage(), transientFailure);
    }

    boolean isTransient() {
        return transientFailure;
    }
}
