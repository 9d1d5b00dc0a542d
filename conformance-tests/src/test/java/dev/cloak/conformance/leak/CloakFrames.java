package dev.cloak.conformance.leak;

import java.util.List;
import java.util.stream.Stream;

/** Whether something happened during a Cloak call: production code on a stack, or an exception Cloak made. */
final class CloakFrames {

    /** Production code; the tests ({@code dev.cloak.conformance}) are not. */
    static final List<String> PRODUCTION_PACKAGES =
            List.of("dev.cloak.driver.", "dev.cloak.rewriter.", "dev.cloak.keyring.", "dev.cloak.cli.");

    private CloakFrames() {
    }

    static boolean isProduction(String className) {
        for (String p : PRODUCTION_PACKAGES) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether production Cloak code is on the calling thread's stack. */
    static boolean onStack() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> isProduction(f.getClassName())));
    }

    /** Whether a throwable or anything hanging off it ({@link ThrowableText#graph}) was made by Cloak. */
    static boolean madeBy(Throwable top) {
        return ThrowableText.graph(top).stream().anyMatch(t -> isProduction(t.getClass().getName())
                || Stream.of(t.getStackTrace()).anyMatch(e -> isProduction(e.getClassName())));
    }
}
