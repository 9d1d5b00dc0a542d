package dev.cloak.keyring;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a wrap or unwrap by a remote KMS is bound to: the associated data the keyring gave the master key, and the
 * key domain, purpose and generation it names, as a KMS's own request fields can carry them (an AWS KMS encryption
 * context, Cloud KMS additional authenticated data, Vault Transit associated data or context). The KMS then refuses
 * to unwrap under another binding, and its audit log names the key domain each call served. Immutable.
 */
public final class KmsBinding {

    /** The encryption-context key that names the key domain (AWS KMS; shown in CloudTrail). */
    public static final String DOMAIN = "cloak:domain";
    /** The encryption-context key that names the keyset's purpose. */
    public static final String PURPOSE = "cloak:purpose";
    /** The encryption-context key that names the keyset's generation. */
    public static final String GENERATION = "cloak:generation";
    /** The encryption-context key of associated data that names no keyset (a health check), as text. */
    public static final String OTHER = "cloak:associated-data";
    /** As {@link #OTHER}, for associated data that is not text, base64-encoded. */
    public static final String OTHER_BASE64 = "cloak:associated-data-base64";

    private final byte[] associatedData;
    private final String domain;
    private final Map<String, String> context;

    private KmsBinding(byte[] associatedData, String domain, Map<String, String> context) {
        this.associatedData = associatedData;
        this.domain = domain;
        this.context = context;
    }

    /** The binding of {@code associatedData} (copied); {@code null} is empty associated data. */
    public static KmsBinding of(byte[] associatedData) {
        byte[] bound = associatedData == null ? new byte[0] : associatedData.clone();
        String text = utf8(bound);
        if (text != null) {
            KmsBinding keyset = keysetBinding(bound, text);
            if (keyset != null) {
                return keyset;
            }
            return new KmsBinding(bound, null, Map.of(OTHER, text));
        }
        return new KmsBinding(bound, null, Map.of(OTHER_BASE64, Base64.getEncoder().encodeToString(bound)));
    }

    /**
     * The binding of a wrapped keyset, when {@code text} is exactly what {@link KeyPurpose#associatedData} makes of
     * some domain, purpose and generation (checked by making it again, so two bindings never share a context).
     */
    private static KmsBinding keysetBinding(byte[] bound, String text) {
        for (KeyPurpose purpose : KeyPurpose.values()) {
            String v2 = "cloak/keyset/v2/";
            String v1 = "cloak/keyset/v1/";
            if (text.startsWith(v2)) {
                int slash = text.lastIndexOf('/');
                String generation = text.substring(slash + 1);
                String rest = text.substring(v2.length(), Math.max(v2.length(), slash));
                String suffix = "/" + purpose.storedName();
                if (!generation.matches("[1-9][0-9]{0,18}") || !rest.endsWith(suffix)) {
                    continue;
                }
                String domain = rest.substring(0, rest.length() - suffix.length());
                long number = Long.parseLong(generation);
                if (!domain.isEmpty() && Arrays.equals(purpose.associatedData(domain, number), bound)) {
                    Map<String, String> context = new LinkedHashMap<>();
                    context.put(DOMAIN, domain);
                    context.put(PURPOSE, purpose.storedName());
                    context.put(GENERATION, generation);
                    return new KmsBinding(bound, domain, Map.copyOf(context));
                }
            } else if (text.startsWith(v1) && text.endsWith("/" + purpose.storedName())) {
                String domain = text.substring(v1.length(), text.length() - purpose.storedName().length() - 1);
                if (!domain.isEmpty() && Arrays.equals(purpose.associatedData(domain, 0), bound)) {
                    return new KmsBinding(bound, domain, Map.of(DOMAIN, domain, PURPOSE, purpose.storedName()));
                }
            }
        }
        return null;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The associated data, exactly as the keyring gave it (a copy). */
    public byte[] associatedData() {
        return associatedData.clone();
    }

    /** The key domain whose keyset is wrapped or unwrapped, when the binding names one (a health check names none). */
    public Optional<String> domain() {
        return Optional.ofNullable(domain);
    }

    /**
     * The binding as string pairs (an AWS KMS encryption context): {@value #DOMAIN}, {@value #PURPOSE} and
     * {@value #GENERATION} for a keyset, {@value #OTHER} or {@value #OTHER_BASE64} otherwise. Two different
     * associated data never give the same pairs.
     */
    public Map<String, String> context() {
        return context;
    }

    /** Names the domain only; the associated data holds nothing secret, but a binding is no place to print it. */
    @Override
    public String toString() {
        return "KmsBinding[domain=" + (domain == null ? "(none)" : domain) + "]";
    }
}
