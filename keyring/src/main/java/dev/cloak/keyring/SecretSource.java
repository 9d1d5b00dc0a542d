package dev.cloak.keyring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where a master-key URI says a secret is read (an HSM PIN, a Vault token, an AppRole secret id): {@code env:NAME}
 * or {@code file:PATH}, never the secret itself, since a policy file ends up in repositories and backups. A file is
 * read at each {@link #read}, so a secret that an agent rewrites (Vault Agent's token sink) is picked up; a trailing
 * newline is not part of the secret. toString() shows the source, never the secret.
 */
public final class SecretSource {

    private final String source;
    private final String what;
    private final UnaryOperator<String> environment;

    private SecretSource(String source, String what, UnaryOperator<String> environment) {
        this.source = source;
        this.what = what;
        this.environment = environment;
    }

    /**
     * Parses {@code source}.
     *
     * @param what names the secret and its URI parameter in messages, e.g. {@code "vault-transit: token-source"}
     * @throws KeyringException {@link KeyringException.Kind#INVALID} unless it is {@code env:NAME} or {@code file:PATH}
     */
    public static SecretSource parse(String source, String what) throws KeyringException {
        return parse(source, what, System::getenv);
    }

    /** As {@link #parse(String, String)}, reading variables from {@code environment} (tests). */
    public static SecretSource parse(String source, String what, UnaryOperator<String> environment)
            throws KeyringException {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(environment, "environment");
        if (source == null || !(source.startsWith("env:") && source.length() > 4
                || source.startsWith("file:") && source.length() > 5)) {
            throw new KeyringException(KeyringException.Kind.INVALID, what + " must be env:NAME or file:PATH");
        }
        if (source.startsWith("file:")) {
            try {
                Path.of(source.substring("file:".length()));
            } catch (InvalidPathException e) {
                throw new KeyringException(KeyringException.Kind.INVALID, what + " names an invalid path");
            }
        }
        return new SecretSource(source, what, environment);
    }

    /**
     * Reads the secret; the caller clears the array after use.
     *
     * @throws KeyringException {@link KeyringException.Kind#INVALID} when the variable is unset or empty, or the file
     *     cannot be read, is empty or is not UTF-8 text
     */
    public char[] read() throws KeyringException {
        if (source.startsWith("env:")) {
            String value = environment.apply(source.substring("env:".length()));
            if (value == null || value.isEmpty()) {
                throw invalid(what + " " + source + " is not set");
            }
            return value.toCharArray();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(source.substring("file:".length())));
        } catch (IOException | InvalidPathException e) {
            throw invalid(what + " " + source + " cannot be read");
        }
        try {
            int end = bytes.length;
            // a secret file written by echo ends with a newline that is not part of the secret
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
                end--;
            }
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, end));
            char[] secret = Arrays.copyOf(chars.array(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            if (secret.length == 0) {
                throw invalid(what + " " + source + " is empty");
            }
            return secret;
        } catch (CharacterCodingException e) {
            throw invalid(what + " " + source + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static KeyringException invalid(String message) {
        return new KeyringException(KeyringException.Kind.INVALID, message);
    }

    /** The source as the URI gave it ({@code env:NAME} or {@code file:PATH}); never the secret. */
    @Override
    public String toString() {
        return source;
    }
}
