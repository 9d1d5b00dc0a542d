package dev.cloak.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.cloak.driver.config.PolicyException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The configuration metadata IDEs complete {@code cloak.*} properties from: every property the starter binds is in
 * it with a description, and every value it suggests is one the driver accepts.
 */
class ConfigurationMetadataTest {

    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

    private static List<Map<String, Object>> entries(String kind) throws Exception {
        return JsonPath.parse(Files.readString(METADATA)).read("$." + kind);
    }

    /** Every leaf property of {@link CloakProperties}, named as Spring binds it (kebab case). */
    private static List<String> boundProperties(Class<?> type, String prefix) throws Exception {
        List<String> names = new ArrayList<>();
        for (PropertyDescriptor p : Introspector.getBeanInfo(type).getPropertyDescriptors()) {
            if (p.getReadMethod() == null || p.getName().equals("class")) {
                continue;
            }
            String name = prefix + "." + p.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
            if (p.getPropertyType().getName().startsWith(CloakProperties.class.getName() + "$")) {
                names.addAll(boundProperties(p.getPropertyType(), name));
            } else {
                names.add(name);
            }
        }
        return names;
    }

    @Test
    void everyPropertyTheStarterBindsIsDescribed() throws Exception {
        Map<String, String> described = new LinkedHashMap<>();
        for (Map<String, Object> property : entries("properties")) {
            described.put((String) property.get("name"), (String) property.get("description"));
        }

        List<String> bound = boundProperties(CloakProperties.class, CloakProperties.PREFIX);

        assertThat(bound).contains("cloak.enabled", "cloak.config", "cloak.data-sources", "cloak.principal",
                "cloak.keyring.master-key", "cloak.access.default", "cloak.health.allow-development-key");
        assertThat(bound).allSatisfy(name -> assertThat(described.get(name)).as(name).isNotBlank());
    }

    @Test
    void everySuggestedValueIsOneTheDriverAccepts() throws Exception {
        int checked = 0;
        for (Map<String, Object> hint : entries("hints")) {
            String name = (String) hint.get("name");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> values = (List<Map<String, Object>>) hint.get("values");
            if (values == null || !name.startsWith("cloak.keyring.") && !name.startsWith("cloak.access.")
                    && !name.startsWith("cloak.network.")) {
                continue;
            }
            for (Map<String, Object> value : values) {
                loadInline(name, value.get("value").toString());
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(8);
    }

    private static void loadInline(String name, String value) throws PolicyException {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("cloak.keyring.master-key", "local:file:/tmp/cloak-never-created.json");
        properties.put("cloak.columns.patients.ssn.type", "varchar");
        properties.put("cloak.columns.patients.ssn.mode", "deterministic");
        properties.put(name, value);
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        ConfigurationPropertySources.attach(environment);
        ApplicationPolicy.load(Binder.get(environment).bindOrCreate("cloak", CloakProperties.class), environment);
    }
}
