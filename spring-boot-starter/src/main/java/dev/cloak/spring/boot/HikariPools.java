package dev.cloak.spring.boot;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDriver;
import dev.cloak.driver.hikari.CloakExceptionOverride;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the starter does to HikariCP pools. Only loaded when HikariCP is on the classpath.
 */
final class HikariPools {

    private static final Logger LOG = LoggerFactory.getLogger(HikariPools.class);
    private static final String CLOAK_URL_PREFIX = "jdbc:cloak:";

    private HikariPools() {
    }

    /**
     * Registers {@link CloakExceptionOverride} on the pool in {@code bean}, if there is one, before it starts:
     * HikariCP evicts a connection on SQLState 0A000, which is also Cloak's refusal of a statement it never sent,
     * so without the override every refusal that passes through the pool costs a connection. A pool with an
     * override of its own keeps it.
     */
    static void keepConnectionsOfRefusedStatements(String beanName, DataSource bean) {
        HikariDataSource pool = poolOf(bean);
        if (pool == null || pool.getExceptionOverrideClassName() != null || pool.getExceptionOverride() != null) {
            return;
        }
        try {
            pool.setExceptionOverrideClassName(CloakExceptionOverride.class.getName());
        } catch (IllegalStateException started) {
            // HikariCP seals its configuration when the pool starts, e.g. in new HikariDataSource(config)
            LOG.warn("HikariCP pool of bean '{}' started before Cloak could register {}: a statement Cloak refuses "
                    + "through it evicts its connection. Set the exception override on its HikariConfig "
                    + "(spring.datasource.hikari.exception-override-class-name for Boot's pool).",
                    beanName, CloakExceptionOverride.class.getName());
        }
    }

    /** Whether {@code bean} is a pool over the Cloak driver ({@code jdbc:cloak:…}), which encrypts already. */
    static boolean connectsThroughCloakDriver(DataSource bean) {
        HikariDataSource pool = poolOf(bean);
        if (pool == null) {
            return false;
        }
        String url = pool.getJdbcUrl();
        return url != null && url.regionMatches(true, 0, CLOAK_URL_PREFIX, 0, CLOAK_URL_PREFIX.length())
                || CloakDriver.class.getName().equals(pool.getDriverClassName());
    }

    private static HikariDataSource poolOf(DataSource bean) {
        if (bean instanceof HikariDataSource pool) {
            return pool;
        }
        try {
            return bean.isWrapperFor(HikariDataSource.class) ? bean.unwrap(HikariDataSource.class) : null;
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }
}
