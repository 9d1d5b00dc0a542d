package dev.cloak.spring.boot;

import dev.cloak.driver.CloakDataSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data sources the starter wrapped, by bean name, in the order they were created: what Cloak's health
 * indicator (and anything else that reports on Cloak) looks at. Safe for concurrent use.
 */
public final class CloakDataSources {

    private final Map<String, CloakDataSource> byBeanName = new LinkedHashMap<>();

    CloakDataSources() {
    }

    /** A snapshot of the wrapped data sources by bean name, in the order they were wrapped. */
    public synchronized Map<String, CloakDataSource> byBeanName() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(byBeanName));
    }

    synchronized void add(String beanName, CloakDataSource dataSource) {
        byBeanName.put(beanName, dataSource);
    }

    synchronized CloakDataSource remove(String beanName) {
        return byBeanName.remove(beanName);
    }

    @Override
    public synchronized String toString() {
        return "CloakDataSources" + byBeanName.keySet();
    }
}
