package dev.cloak.keyring.pkcs11;

import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.SecretSource;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A parsed RFC 7512 {@code pkcs11:} master-key URI: the token label, the key object label, the module
 * to load and where the PIN comes from. The PIN itself is never part of the URI (no {@code pin-value}).
 * toString() shows no more than the URI did.
 */
record Pkcs11Uri(String token, String object, Path modulePath, String pinSource) {

    static final String SCHEME = "pkcs11:";

    private static final Set<String> PATH_ATTRIBUTES = Set.of("token", "object", "type");
    private static final Set<String> QUERY_ATTRIBUTES = Set.of("module-path", "pin-source");

    /** Parses the URI, failing as INVALID with a message that names the offending attribute. */
    static Pkcs11Uri parse(String uri) throws KeyringException {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw invalid("not a pkcs11: URI");
        }
        String rest = uri.substring(SCHEME.length());
        int question = rest.indexOf('?');
        String pathPart = question < 0 ? rest : rest.substring(0, question);
        String queryPart = question < 0 ? "" : rest.substring(question + 1);
        Map<String, String> path = attributes(pathPart, ';', PATH_ATTRIBUTES, "path");
        Map<String, String> query = attributes(queryPart, '&', QUERY_ATTRIBUTES, "query");
        String type = path.get("type");
        if (type != null && !type.equals("secret-key")) {
            throw invalid("pkcs11: URI attribute type=" + type
                    + " is not supported: the master key is a secret-key object");
        }
        String token = required(path, "token", "the label of the token that holds the master key");
        String object = required(path, "object", "the label of the AES master key on the token");
        String module = required(query, "module-path", "the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so");
        String pinSource = required(query, "pin-source", "where the PIN is read: env:NAME or file:PATH");
        if (!pinSource.startsWith("env:") && !pinSource.startsWith("file:")) {
            throw invalid("pkcs11: URI pin-source must be env:NAME or file:PATH");
        }
        if (module.chars().anyMatch(c -> c == '"' || c == '\\' || c < 0x20)) {
            throw invalid("pkcs11: URI module-path holds a quote, backslash or control character");
        }
        try {
            return new Pkcs11Uri(token, object, Path.of(module), pinSource);
        } catch (InvalidPathException e) {
            throw invalid("pkcs11: URI module-path is not a valid path");
        }
    }

    /** Reads the PIN named by pin-source; the caller clears the array after use. */
    char[] readPin() throws KeyringException {
        return SecretSource.parse(pinSource, "pkcs11: PIN source").read();
    }

    private static Map<String, String> attributes(String part, char separator, Set<String> known, String where)
            throws KeyringException {
        Map<String, String> values = new HashMap<>();
        if (part.isEmpty()) {
            return values;
        }
        for (String pair : part.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            if (name.equals("pin-value")) {
                // the policy file is not a secret store: a PIN there ends up in repositories and backups
                throw invalid("pkcs11: URI must not carry pin-value: the PIN must not live in the policy file; "
                        + "use pin-source=env:NAME or pin-source=file:PATH");
            }
            if (equals < 0) {
                throw invalid("pkcs11: URI " + where + " attribute '" + safe(name) + "' has no value");
            }
            if (!known.contains(name)) {
                // an ignored attribute could select a different token or key than the user meant
                throw invalid("pkcs11: URI " + where + " attribute '" + safe(name) + "' is not supported (supported: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
            if (values.put(name, decode(pair.substring(equals + 1), name)) != null) {
                throw invalid("pkcs11: URI attribute '" + name + "' is given twice");
            }
        }
        return values;
    }

    private static String required(Map<String, String> values, String name, String meaning) throws KeyringException {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            throw invalid("pkcs11: URI has no " + name + "= (" + meaning + ")");
        }
        return value;
    }

    /** RFC 3986 percent-decoding as UTF-8; a bare '%' is an error rather than taken literally. */
    private static String decode(String value, String name) throws KeyringException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length() || Character.digit(value.charAt(i + 1), 16) < 0
                        || Character.digit(value.charAt(i + 2), 16) < 0) {
                    throw invalid("pkcs11: URI attribute '" + name + "' has a malformed percent-encoding");
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
            throw invalid("pkcs11: URI attribute '" + name + "' is not UTF-8 after percent-decoding");
        }
    }

    /** Attribute names are echoed only when they look like names, never arbitrary URI text. */
    private static String safe(String name) {
        return name.matches("[A-Za-z0-9-]{1,32}") ? name : "(unrecognised)";
    }

    private static KeyringException invalid(String message) {
        return new KeyringException(KeyringException.Kind.INVALID, message);
    }

    @Override
    public String toString() {
        return "pkcs11:token=" + token + ";object=" + object + "?module-path=" + modulePath
                + "&pin-source=" + pinSource;
    }
}
