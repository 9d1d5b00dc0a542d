package dev.cloak.driver;

import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Finds the policy file in the order of SPEC §2.1: URL parameter {@code cloak.config}, connection property
 * {@code cloak.config}, system property {@code cloak.config}, environment {@code CLOAK_CONFIG}, classpath
 * resource {@code cloak.yaml}.
 */
final class PolicyLocation {

    static final String SETTING = "cloak.config";
    static final String ENVIRONMENT = "CLOAK_CONFIG";
    static final String CLASSPATH_DEFAULT = "classpath:cloak.yaml";

    private PolicyLocation() {
    }

    static String find(Map<String, String> urlSettings, Properties info) throws SQLException {
        String location = urlSettings.get(SETTING);
        if (isBlank(location) && info != null) {
            location = info.getProperty(SETTING);
        }
        if (isBlank(location)) {
            location = System.getProperty(SETTING);
        }
        if (isBlank(location)) {
            location = System.getenv(ENVIRONMENT);
        }
        if (isBlank(location) && classLoader().getResource("cloak.yaml") != null) {
            location = CLASSPATH_DEFAULT;
        }
        if (isBlank(location)) {
            throw new SQLException("No Cloak policy found: tried URL parameter cloak.config, connection property "
                    + "cloak.config, system property cloak.config, environment CLOAK_CONFIG and classpath resource "
                    + "cloak.yaml. Name the policy file with one of them.", "F0000");
        }
        return location;
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : PolicyLocation.class.getClassLoader();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
