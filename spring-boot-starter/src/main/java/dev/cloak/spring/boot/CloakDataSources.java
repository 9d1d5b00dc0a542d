package dev.cloak.spring.boot;

import dev.cloak.driver.CloakDataSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The data sources the starter wrapped, by bean name, in the order they were created: what Cloak's health
 * indicator (and anything else that reports on Cloak) looks at. Safe for concurrent use.
 */
public final class CloakDataSources {

    private final Map<String, CloakDataSource> byBeanName = new LinkedHashMap<>();
    private final List<BiConsumer<String, CloakDataSource>> listeners = new CopyOnWriteArrayList<>();

    CloakDataSources() {
    }

    /** A snapshot of the wrapped data sources by bean name, in the order they were wrapped. */
    public synchronized Map<String, CloakDataSource> byBeanName() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(byBeanName));
    }

    /** Tells {@code listener} of every data source wrapped so far, by bean name, then of each one wrapped later. */
    public synchronized void forEachWrapped(BiConsumer<String, CloakDataSource> listener) {
        byBeanName.forEach(listener);
        listeners.add(listener);
    }

    synchronized void add(String beanName, CloakDataSource dataSource) {
        byBeanName.put(beanName, dataSource);
        for (BiConsumer<String, CloakDataSource> listener : listeners) {
            listener.accept(beanName, dataSource);
        }
    }

    synchronized CloakDataSource remove(String beanName) {
        return byBeanName.remove(beanName);
    }

    @Override
    public synchronized String toString() {
        return "CloakDataSources" + byBeanName.keySet();
    }
}
