package dev.cloak.keyring;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters of a remote master-key URI ({@code ?name=value&…}), percent-decoded as UTF-8. An unknown or
 * repeated parameter is refused, since an ignored one could select another key or weaken the connection than the
 * policy's author meant; messages echo a parameter's name only when it looks like one, never a value.
 */
public final class UriParameters {

    private final String scheme;
    private final Map<String, String> values;

    private UriParameters(String scheme, Map<String, String> values) {
        this.scheme = scheme;
        this.values = values;
    }

    /**
     * Parses {@code query} (what follows the {@code ?}, or empty).
     *
     * @param scheme names the URI in messages, e.g. {@code vault-transit}
     * @param known  the parameters the scheme takes
     * @throws KeyringException {@link KeyringException.Kind#INVALID} for an unknown, repeated, empty or badly encoded
     *     parameter
     */
    public static UriParameters parse(String scheme, String query, Set<String> known) throws KeyringException {
        Map<String, String> values = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                if (!known.contains(name)) {
                    throw invalid(scheme + ": URI parameter '" + safe(name) + "' is not supported (supported: "
                            + String.join(", ", new TreeSet<>(known)) + ")");
                }
                if (equals < 0 || equals == pair.length() - 1) {
                    throw invalid(scheme + ": URI parameter '" + name + "' has no value");
                }
                if (values.put(name, decode(scheme, pair.substring(equals + 1), name)) != null) {
                    throw invalid(scheme + ": URI parameter '" + name + "' is given twice");
                }
            }
        }
        return new UriParameters(scheme, values);
    }

    /** The value of {@code name}, if given. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Whether {@code name} is given. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * The value of a yes-or-no parameter: {@code true} or {@code false}, {@code otherwise} when absent.
     *
     * @throws KeyringException {@link KeyringException.Kind#INVALID} for any other value
     */
    public boolean flag(String name, boolean otherwise) throws KeyringException {
        String value = values.get(name);
        if (value == null) {
            return otherwise;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw invalid(scheme + ": URI parameter '" + name + "' must be true or false");
        }
        return value.equals("true");
    }

    /**
     * Whether the URI allows plain HTTP to {@code host}: only with {@code http=loopback}, and only to {@code 127.0.0.1}
     * or {@code ::1} written as addresses (a name is never trusted to resolve to loopback). Every other KMS connection
     * is HTTPS.
     *
     * @param host the URI's host as {@link java.net.URI#getHost()} gives it (an IPv6 address in brackets)
     * @throws KeyringException {@link KeyringException.Kind#INVALID} when {@code http} has another value, or asks for
     *     plain HTTP to any other host
     */
    public boolean plainHttpTo(String host) throws KeyringException {
        String http = values.get("http");
        if (http == null) {
            return false;
        }
        if (!http.equals("loopback")) {
            throw invalid(scheme + ": URI parameter http takes one value, loopback");
        }
        if (!isLoopbackLiteral(host)) {
            throw invalid(scheme + ": http=loopback allows plain HTTP to 127.0.0.1 or ::1 only; any other host is "
                    + "reached over HTTPS");
        }
        return true;
    }

    /**
     * The KMS endpoint {@code endpoint=https://HOST[:PORT]} names, if given: HTTPS, or plain HTTP with
     * {@code http=loopback} to {@code 127.0.0.1} or {@code ::1} only; a path, query, fragment or user part is refused.
     *
     * @throws KeyringException {@link KeyringException.Kind#INVALID} for anything else, or {@code http=loopback}
     *     without an endpoint
     */
    public Optional<URI> endpoint() throws KeyringException {
        String given = values.get("endpoint");
        if (given == null) {
            if (values.containsKey("http")) {
                throw invalid(scheme + ": http=loopback needs an endpoint=http://127.0.0.1:PORT");
            }
            return Optional.empty();
        }
        URI endpoint;
        try {
            endpoint = new URI(given);
        } catch (URISyntaxException e) {
            throw invalid(scheme + ": URI endpoint is not a URL");
        }
        if (endpoint.getHost() == null || endpoint.getRawUserInfo() != null || endpoint.getRawQuery() != null
                || endpoint.getRawFragment() != null
                || endpoint.getRawPath() != null && !endpoint.getRawPath().isEmpty()
                        && !endpoint.getRawPath().equals("/")) {
            throw invalid(scheme + ": URI endpoint must be https://HOST[:PORT], nothing more");
        }
        boolean plainHttp = plainHttpTo(endpoint.getHost());
        if (!(plainHttp ? "http" : "https").equals(endpoint.getScheme())) {
            throw invalid(scheme + ": URI endpoint must be https://; plain http:// only with http=loopback, to "
                    + "127.0.0.1 or ::1");
        }
        String port = endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort();
        return Optional.of(URI.create(endpoint.getScheme() + "://" + endpoint.getHost() + port));
    }

    /**
     * Whether {@code host} (as {@link java.net.URI#getHost()} gives it) is {@code 127.0.0.1} or {@code [::1]}
     * written as a literal: a name could resolve elsewhere.
     */
    public static boolean isLoopbackLiteral(String host) {
        if (host == null) {
            return false;
        }
        if (host.equals("127.0.0.1")) {
            return true;
        }
        if (!host.startsWith("[") || !host.endsWith("]")) {
            return false;
        }
        String literal = host.substring(1, host.length() - 1);
        if (!literal.matches("[0-9A-Fa-f:]+")) {
            return false;
        }
        try {
            // a literal of hex digits and colons is parsed, never looked up
            InetAddress address = InetAddress.getByName(literal);
            return address.getAddress().length == 16 && address.isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** RFC 3986 percent-decoding as UTF-8; a bare '%' is an error rather than taken literally. */
    private static String decode(String scheme, String value, String name) throws KeyringException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length() || Character.digit(value.charAt(i + 1), 16) < 0
                        || Character.digit(value.charAt(i + 2), 16) < 0) {
                    throw invalid(scheme + ": URI parameter '" + name + "' has a malformed percent-encoding");
                }
                out.write(Character.digit(value.charAt(i + 1), 16) * 16 + Character.digit(value.charAt(i + 2), 16));
                i += 2;
            } else {
                int codePoint = value.codePointAt(i);
                byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw invalid(scheme + ": URI parameter '" + name + "' is not UTF-8 after percent-decoding");
        }
    }

    private static String safe(String name) {
        return name.matches("[A-Za-z0-9-]{1,32}") ? name : "(unrecognised)";
    }

    private static KeyringException invalid(String message) {
        return new KeyringException(KeyringException.Kind.INVALID, message);
    }

    /** The parameter names only: values may name secret files or variables. */
    @Override
    public String toString() {
        return scheme + values.keySet();
    }
}
