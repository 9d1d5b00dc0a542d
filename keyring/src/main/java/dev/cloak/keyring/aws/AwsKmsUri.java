package dev.cloak.keyring.aws;

import dev.cloak.keyring.KeyringException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code aws-kms://arn:aws:kms:REGION:ACCOUNT:key/KEY-ID} (or {@code …:alias/NAME}) master-key URI: the
 * key's ARN, whose region is where the key is asked. No parameters: credentials come from the AWS default chain and
 * the endpoint from the SDK's standard settings ({@code AWS_ENDPOINT_URL_KMS}, {@code AWS_ENDPOINT_URL}, profiles).
 */
record AwsKmsUri(String arn, String partition, String region, String account, String resource) {

    static final String SCHEME = "aws-kms";
    private static final String PREFIX = SCHEME + "://";
    private static final Pattern ARN = Pattern.compile(
            "arn:(aws[a-z-]*):kms:([a-z]{2}(?:-[a-z0-9]+)+-[0-9]+):([0-9]{12}):((?:key/[A-Za-z0-9-]{1,128})"
                    + "|(?:alias/[A-Za-z0-9/_-]{1,256}))");

    static AwsKmsUri parse(String uri) throws KeyringException {
        if (uri == null || !uri.startsWith(PREFIX)) {
            throw invalid("not an " + PREFIX + " URI");
        }
        String arn = uri.substring(PREFIX.length());
        Matcher m = ARN.matcher(arn);
        if (!m.matches()) {
            throw invalid(SCHEME + ": URI must be aws-kms://arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (or …:alias/NAME), "
                    + "with nothing after the ARN");
        }
        if (m.group(4).startsWith("alias/aws/")) {
            // an AWS managed key's policy cannot be narrowed to Cloak's roles
            throw invalid(SCHEME + ": an AWS managed key (alias/aws/…) cannot be a master key; use a customer "
                    + "managed key");
        }
        return new AwsKmsUri(arn, m.group(1), m.group(2), m.group(3), m.group(4));
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
