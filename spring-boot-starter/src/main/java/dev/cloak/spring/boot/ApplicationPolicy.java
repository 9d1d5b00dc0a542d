package dev.cloak.spring.boot;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PolicyException;
import dev.cloak.driver.config.PolicyFile;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The policy a Spring Boot application runs, from {@code cloak.config} (a policy file), from the policy given
 * inline under {@code cloak.*}, or else from the classpath resource {@code cloak.yaml}. Loaded when the
 * application starts, so a wrong policy stops it there, never at the first query.
 */
final class ApplicationPolicy {

    private static final String CLASSPATH_DEFAULT = "classpath:cloak.yaml";

    private ApplicationPolicy() {
    }

    /**
     * @throws PolicyException when no policy is given, when both a policy file and an inline policy are, or when the
     *     policy is wrong (the file's or the property's name, line and setting, as the driver words it)
     */
    static CloakConfig load(CloakProperties properties, Environment environment) throws PolicyException {
        refuseUnknownSettings(environment);
        boolean inline = InlinePolicy.isPresent(properties);
        String location = properties.getConfig();
        if (location != null && !location.isBlank()) {
            if (inline) {
                throw new PolicyException("cloak.config", 0, null, "cloak.config names a policy file and the policy is "
                        + "also given under cloak.* (keyring, columns, access…): keep one of them");
            }
            return PolicyFile.load(location);
        }
        if (inline) {
            return InlinePolicy.load(properties, new PropertyOrigins(environment));
        }
        if (new ClassPathResource("cloak.yaml").exists()) {
            return PolicyFile.load(CLASSPATH_DEFAULT);
        }
        throw new PolicyException("cloak.config", 0, null, "no Cloak policy: set cloak.config to a policy file "
                + "(file:PATH, classpath:PATH or a path), give the policy under cloak.* (cloak.keyring.master-key, "
                + "cloak.columns…), or put cloak.yaml on the classpath; cloak.enabled=false switches Cloak off");
    }

    /**
     * A misspelt policy setting ({@code cloak.access.defualt: deny}) must stop the application, not leave the
     * setting at its default. Environment variables are not held to it: {@code CLOAK_HSM_PIN} and the like are
     * read by name elsewhere and would look like {@code cloak.hsm.pin}.
     */
    private static void refuseUnknownSettings(Environment environment) {
        BindHandler strict = new NoUnboundElementsBindHandler(BindHandler.DEFAULT, ApplicationPolicy::heldToNames);
        Binder.get(environment).bind(CloakProperties.PREFIX, Bindable.of(CloakProperties.class), strict);
    }

    private static boolean heldToNames(ConfigurationPropertySource source) {
        return !(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource);
    }
}
