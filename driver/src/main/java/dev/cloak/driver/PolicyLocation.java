package dev.cloak.driver;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Finds the policy file ({@link CloakSetting#CONFIG}), first found wins: URL parameter, connection property,
 * system property, environment variable, classpath resource. An explicit setting always beats a file that merely
 * happens to be on the classpath.
 */
final class PolicyLocation {

    private static final String SETTING = CloakSetting.CONFIG.key();
    private static final String CLASSPATH = "classpath:";

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
            location = System.getenv(CloakSetting.CONFIG.environmentVariable());
        }
        String resource = CloakSetting.CONFIG.defaultValue().substring(CLASSPATH.length());
        if (isBlank(location) && classLoader().getResource(resource) != null) {
            location = CloakSetting.CONFIG.defaultValue();
        }
        if (isBlank(location)) {
            throw SqlErrors.of(SqlState.POLICY_ERROR, "No Cloak policy found: tried URL parameter " + SETTING
                    + ", connection property " + SETTING + ", system property " + SETTING + ", environment "
                    + CloakSetting.CONFIG.environmentVariable() + " and classpath resource " + resource
                    + ". Name the policy file with one of them.");
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
