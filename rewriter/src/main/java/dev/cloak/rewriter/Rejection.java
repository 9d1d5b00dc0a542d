package dev.cloak.rewriter;

/** Internal unchecked carrier of a rejection message, so visitors can abort; never leaves the package. */
final class Rejection extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The phrase for a construct Cloak may handle one day; the message goes on with what to do instead. */
    static final String NOT_YET = " is not supported yet";

    Rejection(String message) {
        super(message, null, false, false);
    }
}
