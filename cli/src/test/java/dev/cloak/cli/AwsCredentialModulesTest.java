package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The AWS SDK's default credential chain loads its web identity (EKS), assume-role profile and SSO profile sources
 * by class name from modules of their own, and without them reports that there are no credentials: {@code cloak.jar}
 * carries them, so {@code cloak keys} and {@code cloak doctor} work with those credentials as they are.
 */
class AwsCredentialModulesTest {

    @Test
    void theWebIdentityAssumeRoleAndSsoCredentialSourcesAreOnTheRuntimeClassPath() throws Exception {
        ClassLoader loader = CloakCommand.class.getClassLoader();
        for (String factory : new String[] {
            "software.amazon.awssdk.services.sts.internal.StsWebIdentityCredentialsProviderFactory",
            "software.amazon.awssdk.services.sts.internal.StsProfileCredentialsProviderFactory",
            "software.amazon.awssdk.services.sso.auth.SsoProfileCredentialsProviderFactory",
            "software.amazon.awssdk.services.ssooidc.SsoOidcProfileTokenProviderFactory"}) {
            assertThat(Class.forName(factory, false, loader)).as(factory).isNotNull();
        }
    }
}
