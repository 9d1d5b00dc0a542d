package dev.cloak.keyring.aws;

import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.UriParameters;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Holds the AWS KMS endpoint to HTTPS, as every other remote master key is: the SDK takes an endpoint override from
 * {@code aws.endpointUrlKms}, {@code AWS_ENDPOINT_URL_KMS}, {@code aws.endpointUrl}, {@code AWS_ENDPOINT_URL} and the
 * profile's {@code endpoint_url}, and would send key material over plain HTTP to whatever they name. Plain HTTP is
 * allowed only to {@code 127.0.0.1} or {@code [::1]} (a local test double or a sidecar proxy on the machine).
 */
final class AwsEndpoint {

    private AwsEndpoint() {
    }

    /**
     * Refuses any endpoint that is not HTTPS (or plain HTTP to a loopback literal): {@code resolved} is the SDK
     * client's own override, if any; {@code env} and {@code properties} read the settings the SDK reads.
     */
    static void requireHttps(Optional<URI> resolved, UnaryOperator<String> env, UnaryOperator<String> properties)
            throws KeyringException {
        List<String> candidates = new ArrayList<>();
        resolved.ifPresent(u -> candidates.add(u.toString()));
        candidates.add(properties.apply("aws.endpointUrlKms"));
        candidates.add(env.apply("AWS_ENDPOINT_URL_KMS"));
        candidates.add(properties.apply("aws.endpointUrl"));
        candidates.add(env.apply("AWS_ENDPOINT_URL"));
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                check(candidate.trim());
            }
        }
    }

    private static void check(String endpoint) throws KeyringException {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw invalid("the AWS KMS endpoint override is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (scheme.equalsIgnoreCase("https")) {
            return;
        }
        if (scheme.equalsIgnoreCase("http") && UriParameters.isLoopbackLiteral(uri.getHost())) {
            return;
        }
        // the endpoint is configuration, not a secret; still, name its host only
        throw invalid("the AWS KMS endpoint override (host " + uri.getHost() + ") is not https://; plain http:// is"
                + " allowed to 127.0.0.1 or [::1] only. Fix AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, aws.endpointUrlKms,"
                + " aws.endpointUrl or the profile's endpoint_url");
    }

    private static KeyringException invalid(String message) {
        return new KeyringException(KeyringException.Kind.INVALID, AwsKmsUri.SCHEME + ": " + message);
    }
}
