package dev.cloak.keyring.gcp;

import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.UriParameters;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code gcp-kms://projects/P/locations/L/keyRings/R/cryptoKeys/K} master-key URI: the crypto key's
 * resource name, and where Cloud KMS's REST API is reached, {@code https://cloudkms.googleapis.com} unless
 * {@code endpoint=https://HOST[:PORT]} names another (a Private Service Connect endpoint). Plain HTTP only with
 * {@code http=loopback}, to {@code 127.0.0.1} or {@code ::1} (a test double). Credentials are Application Default
 * Credentials, or the service-account key file named by {@code credentials=file:PATH} (as Tink's
 * {@code GcpKmsClient.withCredentials} takes one).
 */
record GcpKmsUri(String keyName, URI endpoint, Optional<Path> credentials) {

    static final String SCHEME = "gcp-kms";
    static final URI DEFAULT_ENDPOINT = URI.create("https://cloudkms.googleapis.com");

    private static final String PREFIX = SCHEME + "://";
    private static final Pattern NAME = Pattern.compile(
            "projects/([a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z0-9.:-]{1,100})/locations/([a-z0-9-]{1,63})"
                    + "/keyRings/([A-Za-z0-9_-]{1,63})/cryptoKeys/([A-Za-z0-9_-]{1,63})");
    private static final Set<String> PARAMETERS = Set.of("endpoint", "http", "credentials");

    static GcpKmsUri parse(String uri) throws KeyringException {
        if (uri == null || !uri.startsWith(PREFIX)) {
            throw invalid("not a " + PREFIX + " URI");
        }
        String rest = uri.substring(PREFIX.length());
        int question = rest.indexOf('?');
        String name = question < 0 ? rest : rest.substring(0, question);
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw invalid(SCHEME + ": URI must be gcp-kms://projects/P/locations/L/keyRings/R/cryptoKeys/K "
                    + "(a crypto key, not one of its versions)");
        }
        UriParameters params = UriParameters.parse(SCHEME, question < 0 ? "" : rest.substring(question + 1),
                PARAMETERS);
        return new GcpKmsUri(name, params.endpoint().orElse(DEFAULT_ENDPOINT), credentials(params));
    }

    private static Optional<Path> credentials(UriParameters params) throws KeyringException {
        Optional<String> credentials = params.get("credentials");
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        if (!credentials.get().startsWith("file:") || credentials.get().length() == "file:".length()) {
            throw invalid(SCHEME + ": URI credentials must be file:PATH (a service-account key file)");
        }
        try {
            return Optional.of(Path.of(credentials.get().substring("file:".length())));
        } catch (InvalidPathException e) {
            throw invalid(SCHEME + ": URI credentials names an invalid path");
        }
    }

    private static KeyringException invalid(String message) {
        return new KeyringException(KeyringException.Kind.INVALID, message);
    }

    /** The key as messages name it; a resource name is an identifier, not a secret. */
    String describe() {
        return SCHEME + " key " + keyName;
    }

    @Override
    public String toString() {
        return describe();
    }
}
