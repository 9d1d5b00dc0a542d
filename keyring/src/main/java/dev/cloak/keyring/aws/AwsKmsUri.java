package dev.cloak.keyring.aws;

import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.UriParameters;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code aws-kms://arn:aws:kms:REGION:ACCOUNT:key/KEY-ID} (or {@code …:alias/NAME}) master-key URI: the
 * key's ARN, whose region is where the key is asked. Credentials come from the AWS default chain; the endpoint from
 * the SDK's standard settings ({@code AWS_ENDPOINT_URL_KMS}, {@code AWS_ENDPOINT_URL}, profiles) unless
 * {@code endpoint=https://HOST[:PORT]} names one (a VPC endpoint; plain HTTP only with {@code http=loopback}, to
 * {@code 127.0.0.1} or {@code ::1}: a test double), as for the other remote master keys.
 */
record AwsKmsUri(String arn, String partition, String region, String account, String resource,
                 Optional<URI> endpoint) {

    static final String SCHEME = "aws-kms";
    private static final String PREFIX = SCHEME + "://";
    private static final Set<String> PARAMETERS = Set.of("endpoint", "http");
    /**
     * A key or alias ARN. Partitions {@code aws}, {@code aws-cn}, {@code aws-us-gov}, {@code aws-iso…},
     * {@code aws-eusc}; a region is letters, then dash-separated parts, ending in a number, as every region of the
     * SDK's partitions is ({@code eu-west-1}, {@code us-isob-east-1}, {@code eusc-de-east-1}).
     */
    private static final Pattern ARN = Pattern.compile(
            "arn:(aws[a-z-]*):kms:([a-z]{2,}(?:-[a-z0-9]+)+-[0-9]+):([0-9]{12}):((?:key/[A-Za-z0-9-]{1,128})"
                    + "|(?:alias/[A-Za-z0-9/_-]{1,256}))");

    static AwsKmsUri parse(String uri) throws KeyringException {
        if (uri == null || !uri.startsWith(PREFIX)) {
            throw invalid("not an " + PREFIX + " URI");
        }
        String rest = uri.substring(PREFIX.length());
        int question = rest.indexOf('?');
        String arn = question < 0 ? rest : rest.substring(0, question);
        Matcher m = ARN.matcher(arn);
        if (!m.matches()) {
            throw invalid(SCHEME + ": URI must be aws-kms://arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (or …:alias/NAME), "
                    + "then at most ?endpoint=…");
        }
        if (m.group(4).startsWith("alias/aws/")) {
            // an AWS managed key's policy cannot be narrowed to Cloak's roles
            throw invalid(SCHEME + ": an AWS managed key (alias/aws/…) cannot be a master key; use a customer "
                    + "managed key");
        }
        UriParameters params = UriParameters.parse(SCHEME, question < 0 ? "" : rest.substring(question + 1),
                PARAMETERS);
        return new AwsKmsUri(arn, m.group(1), m.group(2), m.group(3), m.group(4), params.endpoint());
    }

    private static KeyringException invalid(String message) {
        return new KeyringException(KeyringException.Kind.INVALID, message);
    }

    /** The key as messages name it; an ARN is an identifier, not a secret. */
    String describe() {
        return SCHEME + " key " + arn;
    }

    @Override
    public String toString() {
        return describe();
    }
}
