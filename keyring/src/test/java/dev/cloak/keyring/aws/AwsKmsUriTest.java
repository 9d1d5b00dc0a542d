package dev.cloak.keyring.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.KeyringException;
import org.junit.jupiter.api.Test;

class AwsKmsUriTest {

    private static void invalid(String uri) {
        KeyringException e = catchThrowableOfType(KeyringException.class, () -> AwsKmsUri.parse(uri));
        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
    }

    @Test
    void aKeyArnNamesItsRegion() throws Exception {
        AwsKmsUri uri = AwsKmsUri.parse(
                "aws-kms://arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");

        assertThat(uri.region()).isEqualTo("eu-central-1");
        assertThat(uri.arn()).isEqualTo("arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    }

    @Test
    void aliasArnsAndOtherPartitionsAreKeys() throws Exception {
        assertThat(AwsKmsUri.parse("aws-kms://arn:aws:kms:us-east-1:111122223333:alias/cloak/master").resource())
                .isEqualTo("alias/cloak/master");
        assertThat(AwsKmsUri.parse("aws-kms://arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abc").partition())
                .isEqualTo("aws-us-gov");
    }

    /** Every partition of the SDK's region list, with one of its regions. */
    @Test
    void everyPartitionOfTheSdkIsAccepted() throws Exception {
        String[][] partitionAndRegion = {
            {"aws", "mx-central-1"}, {"aws-cn", "cn-northwest-1"}, {"aws-us-gov", "us-gov-east-1"},
            {"aws-iso", "us-iso-east-1"}, {"aws-iso-b", "us-isob-east-1"}, {"aws-iso-e", "eu-isoe-west-1"},
            {"aws-iso-f", "us-isof-south-1"}, {"aws-eusc", "eusc-de-east-1"},
        };
        for (String[] given : partitionAndRegion) {
            AwsKmsUri uri = AwsKmsUri.parse("aws-kms://arn:" + given[0] + ":kms:" + given[1]
                    + ":123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");

            assertThat(uri.partition()).isEqualTo(given[0]);
            assertThat(uri.region()).isEqualTo(given[1]);
        }
        invalid("aws-kms://arn:aws:kms:e-west-1:111122223333:key/k");
        invalid("aws-kms://arn:aws:kms:eu-west:111122223333:key/k");
    }

    @Test
    void anEndpointIsHttpsOrPlainHttpToLoopbackWhenTheUriSaysSo() throws Exception {
        String key = "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/k";
        assertThat(AwsKmsUri.parse(key).endpoint()).isEmpty();
        assertThat(AwsKmsUri.parse(key + "?endpoint=https://vpce-1.kms.eu-west-1.vpce.amazonaws.com").endpoint())
                .contains(java.net.URI.create("https://vpce-1.kms.eu-west-1.vpce.amazonaws.com"));
        assertThat(AwsKmsUri.parse(key + "?endpoint=http://127.0.0.1:4566&http=loopback").endpoint())
                .contains(java.net.URI.create("http://127.0.0.1:4566"));
        invalid(key + "?endpoint=http://127.0.0.1:4566");
        invalid(key + "?endpoint=http://localhost:4566&http=loopback");
        invalid(key + "?endpoint=http://10.0.0.5:4566&http=loopback");
        invalid(key + "?http=loopback");
        invalid(key + "?endpoint=https://kms.example/path");
        invalid(key + "?endpoint=https://kms.example&endpoint=https://other.example");
    }

    @Test
    void anythingButAKeyOrAliasArnIsRefused() {
        invalid("aws-kms://1234abcd-12ab-34cd-56ef-1234567890ab");
        invalid("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/k?region=us-east-1");
        invalid("aws-kms://arn:aws:s3:eu-west-1:111122223333:key/k");
        invalid("aws-kms:arn:aws:kms:eu-west-1:111122223333:key/k");
        invalid("aws-kms://arn:aws:kms:eu-west-1:111122223333:alias/aws/rds");
    }
}
