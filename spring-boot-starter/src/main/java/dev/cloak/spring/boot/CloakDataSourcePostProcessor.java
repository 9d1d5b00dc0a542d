package dev.cloak.spring.boot;

import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PrincipalSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.beans.factory.config.SmartInstantiationAwareBeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.util.ClassUtils;

/**
 * Wraps each selected {@link DataSource} bean in a {@link CloakDataSource} once it is fully configured (after
 * Spring has bound {@code spring.datasource.hikari.*} onto it), and registers HikariCP's exception override on
 * every HikariCP pool before it starts. The bean's name then holds the Cloak data source; the pool stays reachable
 * with {@code unwrap(HikariDataSource.class)}, which is how Spring Boot's pool metrics, pool metadata and JMX find
 * it. Never wraps twice: a bean that is, or wraps, a {@link CloakDataSource} is left alone.
 */
final class CloakDataSourcePostProcessor implements SmartInstantiationAwareBeanPostProcessor,
        DestructionAwareBeanPostProcessor, SmartInitializingSingleton, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(CloakDataSourcePostProcessor.class);
    private static final ClassLoader LOADER = CloakDataSourcePostProcessor.class.getClassLoader();
    private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", LOADER);
    private static final boolean ROUTING =
            ClassUtils.isPresent("org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource", LOADER);

    private final ObjectProvider<CloakProperties> properties;
    private final ObjectProvider<CloakConfig> policy;
    private final ListableBeanFactory beanFactory;
    private final CloakDataSources wrapped = new CloakDataSources();
    /** Beans handed out wrapped before they were initialised (a circular reference); Spring keeps that reference. */
    private final Set<String> wrappedEarly = ConcurrentHashMap.newKeySet();

    CloakDataSourcePostProcessor(ObjectProvider<CloakProperties> properties, ObjectProvider<CloakConfig> policy,
                                 ListableBeanFactory beanFactory) {
        this.properties = properties;
        this.policy = policy;
        this.beanFactory = beanFactory;
    }

    /** The data sources wrapped so far. */
    CloakDataSources wrapped() {
        return wrapped;
    }

    @Override
    public Object getEarlyBeanReference(Object bean, String beanName) {
        if (ROUTING && Routing.isRouting(bean)) {
            return bean; // its targets are not resolved yet: decided once it is initialised
        }
        Object exposed = process(bean, beanName);
        if (exposed != bean) {
            wrappedEarly.add(beanName);
        }
        return exposed;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (wrappedEarly.remove(beanName)) {
            return bean;
        }
        return process(bean, beanName);
    }

    private Object process(Object bean, String beanName) {
        if (!(bean instanceof DataSource dataSource) || beanName == null || !beanFactory.containsBean(beanName)) {
            return bean; // inner beans are their owner's business: a routing data source's targets, for instance
        }
        CloakProperties settings = properties.getObject();
        if (HIKARI) {
            HikariPools.keepConnectionsOfRefusedStatements(beanName, dataSource);
        }
        if (!selected(settings, beanName) || beanName.equals(settings.getKeyStoreDataSource())) {
            return bean;
        }
        if (ROUTING && Routing.isRouting(dataSource)) {
            // asked whether it wraps Cloak, it answers for the target of the current lookup key only
            if (Routing.routesOnlyToCloak(beanName, dataSource)) {
                return bean;
            }
        } else if (isCloak(dataSource)) {
            return bean;
        }
        if (HIKARI && HikariPools.connectsThroughCloakDriver(dataSource)) {
            throw new IllegalStateException("DataSource bean '" + beanName + "' connects through the Cloak driver "
                    + "(jdbc:cloak:…) and the Cloak starter would encrypt its columns a second time: remove 'cloak:' "
                    + "from its URL (spring.datasource.url), so that the starter wraps the pool, or leave the bean out "
                    + "with cloak.data-sources");
        }
        CloakConfig config = policy.getObject();
        CloakDataSource cloak = new CloakDataSource(dataSource, config);
        if (settings.getPrincipal() != null && !settings.getPrincipal().isBlank()) {
            if (config.principalSource() != PrincipalSource.ASSERTED) {
                // the driver would refuse every connection (28000): stop at start instead, saying what to change
                throw new IllegalStateException("cloak.principal names a principal for DataSource bean '" + beanName
                        + "', but policy " + config.source() + " decides access on the database session's own user"
                        + " (access.principal: session): remove cloak.principal, or set access.principal: asserted"
                        + " in the policy (cloak.access.principal=asserted inline) to let the application name it");
            }
            cloak.setPrincipal(settings.getPrincipal());
        }
        String keyStore = settings.getKeyStoreDataSource();
        if (keyStore != null && !keyStore.isBlank()) {
            if (!beanFactory.containsBean(keyStore) || !beanFactory.isTypeMatch(keyStore, DataSource.class)) {
                throw unknownKeyStore(keyStore);
            }
            cloak.setKeyStoreDataSource(beanFactory.getBean(keyStore, DataSource.class));
        }
        wrapped.add(beanName, cloak);
        LOG.info("Cloak encrypts through DataSource bean '{}' with policy {}", beanName, config.source());
        return cloak;
    }

    private static boolean selected(CloakProperties settings, String beanName) {
        return settings.getDataSources().isEmpty() || settings.getDataSources().contains(beanName);
    }

    private static boolean isCloak(DataSource dataSource) {
        if (dataSource instanceof CloakDataSource) {
            return true;
        }
        try {
            return dataSource.isWrapperFor(CloakDataSource.class);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** A name in {@code cloak.data-sources} that is no DataSource bean would leave a data source unencrypted. */
    @Override
    public void afterSingletonsInstantiated() {
        CloakProperties settings = properties.getObject();
        List<String> dataSources = Arrays.asList(beanFactory.getBeanNamesForType(DataSource.class, true, false));
        List<String> unknown = new ArrayList<>(settings.getDataSources());
        unknown.removeAll(dataSources);
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("cloak.data-sources names " + unknown + ", which "
                    + (unknown.size() == 1 ? "is no DataSource bean" : "are no DataSource beans")
                    + "; the DataSource beans are " + dataSources);
        }
        String keyStore = settings.getKeyStoreDataSource();
        if (keyStore != null && !keyStore.isBlank() && !dataSources.contains(keyStore)) {
            throw unknownKeyStore(keyStore);
        }
    }

    private IllegalStateException unknownKeyStore(String keyStore) {
        List<String> dataSources = List.of(beanFactory.getBeanNamesForType(DataSource.class, true, false));
        return new IllegalStateException("cloak.key-store-data-source names '" + keyStore + "', which is no DataSource "
                + "bean; the DataSource beans are " + dataSources);
    }

    @Override
    public boolean requiresDestruction(Object bean) {
        return bean instanceof DataSource;
    }

    /** Releases the Cloak data source's key cache before the pool under it closes. */
    @Override
    public void postProcessBeforeDestruction(Object bean, String beanName) {
        CloakDataSource cloak = wrapped.remove(beanName);
        if (cloak != null) {
            cloak.close();
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Spring's routing data source, whose targets may already be Cloak data sources (beans of their own). */
    private static final class Routing {

        static boolean isRouting(Object bean) {
            return bean instanceof AbstractRoutingDataSource;
        }

        static boolean routesOnlyToCloak(String beanName, DataSource dataSource) {
            AbstractRoutingDataSource routing = (AbstractRoutingDataSource) dataSource;
            List<DataSource> targets = new ArrayList<>(routing.getResolvedDataSources().values());
            if (routing.getResolvedDefaultDataSource() != null) {
                targets.add(routing.getResolvedDefaultDataSource());
            }
            long cloak = targets.stream().filter(CloakDataSourcePostProcessor::isCloak).count();
            if (cloak > 0 && cloak < targets.size()) {
                throw new IllegalStateException("Routing DataSource bean '" + beanName + "' routes to Cloak data "
                        + "sources and to others: Cloak can neither wrap it (the Cloak targets would encrypt twice) "
                        + "nor leave it (the others would not encrypt). Make every target a DataSource bean, or "
                        + "none, or choose with cloak.data-sources");
            }
            return cloak > 0;
        }
    }
}
