package dev.cloak.keyring;

import java.util.regex.Pattern;

/** Reads the scheme of a master-key URI so messages can name it without repeating the rest. */
final class MasterKeyUris {

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,31}");

    private MasterKeyUris() {
    }

    /** The URI's scheme, or {@code "(unrecognised)"} when what precedes the first colon is not a plausible scheme. */
    static String scheme(String uri) {
        int colon = uri.indexOf(':');
        String candidate = colon < 0 ? uri : uri.substring(0, colon);
        return SCHEME.matcher(candidate).matches() ? candidate : "(unrecognised)";
    }

    /** Whether the URI has a plausible scheme. */
    static boolean hasScheme(String uri) {
        int colon = uri.indexOf(':');
        return colon > 0 && SCHEME.matcher(uri.substring(0, colon)).matches();
    }
}
