package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyLocationTest {

    @AfterEach
    void clearSystemProperty() {
        System.clearProperty("cloak.config");
    }

    @Test
    void urlParameterComesBeforeConnectionProperty() throws SQLException {
        Properties info = new Properties();
        info.setProperty("cloak.config", "from-property.yaml");
        assertThat(PolicyLocation.find(Map.of("cloak.config", "from-url.yaml"), info)).isEqualTo("from-url.yaml");
    }

    @Test
    void connectionPropertyComesBeforeSystemProperty() throws SQLException {
        System.setProperty("cloak.config", "from-system.yaml");
        Properties info = new Properties();
        info.setProperty("cloak.config", "from-property.yaml");
        assertThat(PolicyLocation.find(Map.of(), info)).isEqualTo("from-property.yaml");
    }

    @Test
    void systemPropertyIsUsedWhenNothingElseIsGiven() throws SQLException {
        System.setProperty("cloak.config", "from-system.yaml");
        assertThat(PolicyLocation.find(Map.of(), new Properties())).isEqualTo("from-system.yaml");
    }

    @Test
    void noPolicyAnywhereIsAnErrorNamingEveryPlaceTried() {
        // The driver module's test classpath has no cloak.yaml; CLOAK_CONFIG is not set in the build.
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CLOAK_CONFIG") == null);
        assertThatThrownBy(() -> PolicyLocation.find(Map.of(), new Properties()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("cloak.config").hasMessageContaining("CLOAK_CONFIG").hasMessageContaining("cloak.yaml")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("F0000");
    }
}
