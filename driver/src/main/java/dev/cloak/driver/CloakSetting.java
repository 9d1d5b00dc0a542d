package dev.cloak.driver;

import java.sql.DriverPropertyInfo;
import java.util.Properties;

/**
 * Every {@code cloak.*} setting of a Cloak connection, once, with its default and what it does. Each is a URL
 * parameter ({@code jdbc:cloak:postgresql://db/app?cloak.principal=analytics}, or H2 style
 * {@code ;cloak.principal=analytics}) or a connection property; the URL wins. Cloak refuses any other
 * {@code cloak.*} name, so a misspelt setting never falls back to a default unnoticed. {@link CloakDataSource}
 * takes the same settings as bean properties ({@code configLocation}, {@code principal}).
 */
public enum CloakSetting {

    /**
     * The policy file. When neither the URL nor the connection properties name it, Cloak reads the system property
     * {@code cloak.config}, then the environment variable {@code CLOAK_CONFIG}, then the classpath resource
     * {@code cloak.yaml}.
     */
    CONFIG("cloak.config", "CLOAK_CONFIG", "classpath:cloak.yaml",
            "The Cloak policy file: file:PATH, classpath:PATH or a path"),
    /**
     * The principal the access policy decides on, fixed for the connection; only where the policy says
     * {@code access.principal: asserted}, and refused elsewhere. Without it, the database session's own user.
     */
    PRINCIPAL("cloak.principal", null, null,
            "The principal that the access policy decides on, where the policy says access.principal: asserted"
                    + " (default: the database session's own user)");

    /** What every Cloak setting's name starts with; such names are never passed to the database's driver. */
    public static final String PREFIX = "cloak.";

    private final String key;
    private final String environmentVariable;
    private final String defaultValue;
    private final String description;

    CloakSetting(String key, String environmentVariable, String defaultValue, String description) {
        this.key = key;
        this.environmentVariable = environmentVariable;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The name in URLs and connection properties, such as {@code cloak.config}. */
    public String key() {
        return key;
    }

    /** The environment variable read when nothing else sets it, or {@code null} when there is none. */
    public String environmentVariable() {
        return environmentVariable;
    }

    /** The value when nothing sets it, or {@code null} when the default is not a fixed value. */
    public String defaultValue() {
        return defaultValue;
    }

    /** What the setting does, as {@link java.sql.Driver#getPropertyInfo} describes it. */
    public String description() {
        return description;
    }

    /** The setting as {@link java.sql.Driver#getPropertyInfo} lists it, with its value in {@code info} if any. */
    DriverPropertyInfo propertyInfo(Properties info) {
        DriverPropertyInfo property = new DriverPropertyInfo(key, info == null ? null : info.getProperty(key));
        property.description = description;
        return property;
    }

    /** The setting named exactly {@code name}, or {@code null} when Cloak has none of that name. */
    static CloakSetting named(String name) {
        for (CloakSetting setting : values()) {
            if (setting.key.equals(name)) {
                return setting;
            }
        }
        return null;
    }

    /** Whether {@code name} is in Cloak's namespace ({@code cloak.}, any case), so never the delegate's. */
    static boolean isCloakName(String name) {
        return name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** The settings' names for a message: {@code cloak.config and cloak.principal}. */
    static String names() {
        StringBuilder names = new StringBuilder();
        CloakSetting[] all = values();
        for (int i = 0; i < all.length; i++) {
            names.append(i == 0 ? "" : i == all.length - 1 ? " and " : ", ").append(all[i].key);
        }
        return names.toString();
    }
}
