package dev.cloak.spring.boot;

import dev.cloak.driver.config.PolicyException;
import java.util.Optional;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.Environment;

/**
 * Where each {@code cloak.*} property was set ({@code application.yml} and its line, a test's inlined properties,
 * the environment), so that an error in an inline policy reads as a policy file's does:
 * {@code <where>:<line>: cloak.<setting>: <problem>}.
 */
final class PropertyOrigins {

    private final Environment environment;

    PropertyOrigins(Environment environment) {
        this.environment = environment;
    }

    /**
     * The driver's error about the rendered policy, told of the {@code cloak.*} property it concerns: the same
     * problem, with the property's name and where it was set instead of the rendered text's name and line.
     */
    PolicyException relocate(PolicyException e) {
        String prefix = e.source() + (e.line() > 0 ? ":" + e.line() : "") + ": "
                + (e.setting() != null ? e.setting() + ": " : "");
        String message = e.getMessage();
        String problem = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        return error(e.setting(), problem); // not chained: the rendered text's line numbers would only mislead
    }

    /** An error about the inline policy's {@code setting} (as the policy file names it, without {@code cloak.}). */
    PolicyException error(String setting, String problem) {
        String property = setting == null ? CloakProperties.PREFIX : CloakProperties.PREFIX + "." + setting;
        Optional<Origin> origin = originOf(property).map(PropertyOrigins::innermost);
        String where = origin.map(PropertyOrigins::where).orElse(InlinePolicy.SOURCE);
        int line = origin.filter(TextResourceOrigin.class::isInstance).map(TextResourceOrigin.class::cast)
                .map(TextResourceOrigin::getLocation).map(l -> l.getLine() + 1).orElse(0);
        return new PolicyException(where, line, property, problem);
    }

    /**
     * Where {@code property} was set, or, when it was not (a required setting left out), where the nearest setting
     * under it or under its parents was.
     */
    private Optional<Origin> originOf(String property) {
        ConfigurationPropertyName name = ConfigurationPropertyName.adapt(property, '.');
        while (!name.isEmpty()) {
            Optional<Origin> found = exactOrUnder(name);
            if (found.isPresent()) {
                return found;
            }
            name = name.getParent();
        }
        return Optional.empty();
    }

    private Optional<Origin> exactOrUnder(ConfigurationPropertyName name) {
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null && property.getOrigin() != null) {
                return Optional.of(property.getOrigin());
            }
            if (source instanceof IterableConfigurationPropertySource iterable) {
                Optional<Origin> under = iterable.stream().filter(name::isAncestorOf)
                        .map(source::getConfigurationProperty)
                        .filter(p -> p != null && p.getOrigin() != null)
                        .map(ConfigurationProperty::getOrigin).findFirst();
                if (under.isPresent()) {
                    return under;
                }
            }
        }
        return Optional.empty();
    }

    /** A property source's origin wraps the file's, when the source knows the file (application.yml does). */
    private static Origin innermost(Origin origin) {
        Origin found = origin;
        while (found instanceof PropertySourceOrigin source && source.getOrigin() != null) {
            found = source.getOrigin();
        }
        return found;
    }

    /** The file (its line is added apart) or the property source that set a value. */
    private static String where(Origin origin) {
        if (origin instanceof TextResourceOrigin text && text.getResource() != null) {
            return text.getResource().getDescription();
        }
        if (origin instanceof PropertySourceOrigin source) {
            return source.getPropertySource().getName();
        }
        return origin.toString();
    }
}
