package dev.cloak.keyring.vault;

import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.SecretSource;
import dev.cloak.keyring.UriParameters;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A parsed {@code vault-transit://HOST[:PORT]/MOUNT/keys/NAME?…} master-key URI. Parameters: {@code token-source}
 * ({@code env:NAME} or {@code file:PATH}), or AppRole's {@code role-id-source} and {@code secret-id-source} (with
 * {@code approle-mount}, default {@code approle}); {@code namespace} (Vault Enterprise, sent as
 * {@code X-Vault-Namespace}, with or without a trailing slash); {@code derived=true} for a key created with
 * {@code derived=true}, which binds each wrap by {@code context} instead of {@code associated_data}; {@code ca-file}
 * (PEM) to trust a private CA; {@code http=loopback} to allow plain HTTP, to {@code 127.0.0.1} or {@code ::1} only
 * (a Vault dev server). Anything else is HTTPS. toString() shows no more than the URI did: sources, never secrets.
 */
record VaultTransitUri(String host, int port, boolean plainHttp, String mount, String key,
                       Optional<String> namespace, boolean derived, Optional<Path> caFile,
                       Optional<SecretSource> tokenSource, Optional<SecretSource> roleIdSource,
                       Optional<SecretSource> secretIdSource, String approleMount) {

    static final String SCHEME = "vault-transit";
    static final int DEFAULT_PORT = 8200;

    private static final Set<String> PARAMETERS = Set.of("token-source", "role-id-source", "secret-id-source",
            "approle-mount", "namespace", "derived", "ca-file", "http");
    private static final Pattern SEGMENTS = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");

    static VaultTransitUri parse(String uri) throws KeyringException {
        return parse(uri, System::getenv);
    }

    /** Parses {@code uri}, reading secret variables from {@code environment} when they are read. */
    static VaultTransitUri parse(String uri, UnaryOperator<String> environment) throws KeyringException {
        if (uri == null || !uri.startsWith(SCHEME + "://")) {
            throw invalid("not a " + SCHEME + ":// URI");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw invalid(SCHEME + ": URI is malformed; write "
                    + "vault-transit://HOST:PORT/MOUNT/keys/NAME?token-source=…");
        }
        if (parsed.getRawUserInfo() != null) {
            throw invalid(SCHEME + ": URI must not carry user information: give the token with token-source");
        }
        if (parsed.getRawFragment() != null) {
            throw invalid(SCHEME + ": URI must not have a fragment");
        }
        String host = parsed.getHost();
        if (host == null || host.isEmpty()) {
            throw invalid(SCHEME + ": URI names no host; write vault-transit://HOST:PORT/MOUNT/keys/NAME");
        }
        int port = parsed.getPort() < 0 ? DEFAULT_PORT : parsed.getPort();
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
        int keys = path.lastIndexOf("/keys/");
        if (!path.startsWith("/") || keys <= 0) {
            throw invalid(SCHEME + ": URI path must be /MOUNT/keys/NAME (e.g. /transit/keys/cloak)");
        }
        String mount = path.substring(1, keys);
        String key = path.substring(keys + "/keys/".length());
        if (!validSegments(mount, SEGMENTS) || !validSegments(key, SEGMENT)) {
            throw invalid(SCHEME + ": URI mount and key name may hold letters, digits, '_', '-' and '.' only");
        }
        UriParameters params = UriParameters.parse(SCHEME, parsed.getRawQuery(), PARAMETERS);
        boolean plainHttp = params.plainHttpTo(host);
        // Vault writes a namespace with a trailing slash ("ns1/ns2/", as its docs and token lookups show it)
        Optional<String> namespace = params.get("namespace")
                .map(given -> given.endsWith("/") ? given.substring(0, given.length() - 1) : given);
        if (namespace.isPresent() && !validSegments(namespace.get(), SEGMENTS)) {
            throw invalid(SCHEME + ": URI namespace may hold letters, digits, '_', '-', '.' and '/' only");
        }
        Optional<Path> caFile;
        try {
            caFile = params.get("ca-file").map(Path::of);
        } catch (InvalidPathException e) {
            throw invalid(SCHEME + ": URI ca-file is not a valid path");
        }
        Optional<SecretSource> token = source(params, "token-source", environment);
        Optional<SecretSource> roleId = source(params, "role-id-source", environment);
        Optional<SecretSource> secretId = source(params, "secret-id-source", environment);
        if (token.isPresent() == (roleId.isPresent() || secretId.isPresent())) {
            throw invalid(SCHEME + ": URI needs either token-source=env:NAME|file:PATH, or AppRole's role-id-source "
                    + "and secret-id-source (not both)");
        }
        if (roleId.isPresent() != secretId.isPresent()) {
            throw invalid(SCHEME + ": URI AppRole login needs both role-id-source and secret-id-source");
        }
        String approleMount = params.get("approle-mount").orElse("approle");
        if (!validSegments(approleMount, SEGMENTS)) {
            throw invalid(SCHEME + ": URI approle-mount may hold letters, digits, '_', '-', '.' and '/' only");
        }
        if (params.has("approle-mount") && roleId.isEmpty()) {
            throw invalid(SCHEME + ": URI approle-mount is given without an AppRole login");
        }
        return new VaultTransitUri(host, port, plainHttp, mount, key, namespace, params.flag("derived", false),
                caFile, token, roleId, secretId, approleMount);
    }

    private static boolean validSegments(String value, Pattern pattern) {
        if (!pattern.matcher(value).matches()) {
            return false;
        }
        for (String segment : value.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static Optional<SecretSource> source(UriParameters params, String name, UnaryOperator<String> environment)
            throws KeyringException {
        Optional<String> value = params.get(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SecretSource.parse(value.get(), SCHEME + ": " + name, environment));
    }

    /**
     * Where the mount path may begin with a namespace: each of its leading segments, longest first, each ending in
     * {@code /} ({@code team-a/payments/}, {@code team-a/} for the mount {@code team-a/payments/transit}). Vault reads
     * a namespace in the path as it reads {@code X-Vault-Namespace}, and Cloak cannot tell it from a mount path with
     * a slash ({@code secrets/transit}); the token's own calls are tried there when the namespace refuses them.
     */
    List<String> mountPathPrefixes() {
        List<String> prefixes = new ArrayList<>();
        for (int slash = mount.lastIndexOf('/'); slash > 0; slash = mount.lastIndexOf('/', slash - 1)) {
            prefixes.add(mount.substring(0, slash + 1));
        }
        return prefixes;
    }

    /** {@code https://HOST:PORT}, or {@code http://} to a loopback address when the URI allows it. */
    URI base() {
        return URI.create((plainHttp ? "http" : "https") + "://" + host + ":" + port);
    }

    /** The key as messages name it: mount and name, no parameters. */
    String describe() {
        return SCHEME + " key " + mount + "/keys/" + key + " at " + host + ":" + port;
    }

    private static KeyringException invalid(String message) {
        return new KeyringException(KeyringException.Kind.INVALID, message);
    }

    @Override
    public String toString() {
        return describe();
    }
}
