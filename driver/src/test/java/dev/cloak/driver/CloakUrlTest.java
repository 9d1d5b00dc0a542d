package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CloakUrlTest {

    @Test
    void acceptsOnlyTheCloakPrefix() {
        assertThat(CloakUrl.accepts("jdbc:cloak:postgresql://h/db")).isTrue();
        assertThat(CloakUrl.accepts("jdbc:postgresql://h/db")).isFalse();
        assertThat(CloakUrl.accepts("jdbc:h2:mem:cloak:x")).isFalse();
        assertThat(CloakUrl.accepts(null)).isFalse();
    }

    @Test
    void prefixIsStrippedExactlyOnceAtTheStart() {
        // A database named "cloak:" further on must survive: never String.replace.
        CloakUrl url = CloakUrl.parse("jdbc:cloak:h2:mem:jdbc:cloak:x");
        assertThat(url.delegateUrl()).isEqualTo("jdbc:h2:mem:jdbc:cloak:x");
    }

    @Test
    void cloakQueryParametersAreRemovedAndOthersKept() {
        CloakUrl url = CloakUrl.parse(
                "jdbc:cloak:postgresql://127.0.0.1:5432/test?user=root&cloak.config=file:/tmp/a%20b.yaml&ssl=false&cloak.principal=ana");
        assertThat(url.delegateUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=root&ssl=false");
        assertThat(url.settings()).containsExactlyInAnyOrderEntriesOf(
                Map.of("cloak.config", "file:/tmp/a b.yaml", "cloak.principal", "ana"));
    }

    @Test
    void queryDisappearsWhenOnlyCloakParametersWereInIt() {
        CloakUrl url = CloakUrl.parse("jdbc:cloak:mariadb://127.0.0.1:3306/test?cloak.config=x.yaml");
        assertThat(url.delegateUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/test");
        assertThat(url.settings()).containsEntry("cloak.config", "x.yaml");
    }

    @Test
    void semicolonSettingsOfH2StyleUrlsAreRecognised() {
        CloakUrl url = CloakUrl.parse("jdbc:cloak:h2:mem:demo;DB_CLOSE_DELAY=-1;cloak.config=classpath:p.yaml");
        assertThat(url.delegateUrl()).isEqualTo("jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1");
        assertThat(url.settings()).containsEntry("cloak.config", "classpath:p.yaml");
    }

    @Test
    void urlWithoutCloakSettingsIsHandedOnUnchanged() {
        String raw = "jdbc:cloak:postgresql://h:5432/db?user=u&password=p&options=-c%20search_path%3Da";
        assertThat(CloakUrl.parse(raw).delegateUrl()).isEqualTo(raw.replaceFirst("^jdbc:cloak:", "jdbc:"));
        assertThat(CloakUrl.parse(raw).settings()).isEmpty();
    }
}
