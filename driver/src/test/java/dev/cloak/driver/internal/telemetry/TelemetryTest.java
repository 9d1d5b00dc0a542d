package dev.cloak.driver.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a data source counts, and what it publishes to a listener such as the Micrometer binder. */
class TelemetryTest {

    private static double value(Telemetry telemetry, String name, Map<String, String> tags) {
        return telemetry.meters().stream().filter(m -> m.name().equals(name) && m.tags().entrySet()
                .containsAll(tags.entrySet())).mapToDouble(m -> m.value().getAsDouble()).sum();
    }

    @Test
    void cellsAreCountedPerKeyVersionAndEachNewVersionIsPublishedOnce() {
        Telemetry telemetry = new Telemetry();
        List<String> published = new ArrayList<>();
        telemetry.addListener(meter -> published.add(meter.key()));
        ColumnMeter meter = telemetry.column("patients.ssn", "deterministic");

        for (int i = 0; i < 5; i++) {
            meter.decrypted(7);
            meter.decrypted(-2);
        }
        meter.encrypted(-2);

        assertThat(value(telemetry, "cloak.cells.decrypted", Map.of("key_version", "7"))).isEqualTo(5);
        assertThat(value(telemetry, "cloak.cells.decrypted", Map.of("key_version", "4294967294"))).isEqualTo(5);
        assertThat(value(telemetry, "cloak.cells.encrypted", Map.of("column", "patients.ssn"))).isEqualTo(1);
        assertThat(published).filteredOn(k -> k.startsWith("cloak.cells.decrypted")).hasSize(2);
        assertThat(telemetry.column("patients.ssn", "deterministic")).isSameAs(meter);
    }

    @Test
    void aLateListenerIsToldOfEveryMeterPublishedBefore() {
        Telemetry telemetry = new Telemetry();
        telemetry.column("patients.name", "randomized").failed(ColumnMeter.FailureReason.AUTHENTICATION_FAILED);
        List<MeterSpec> seen = new ArrayList<>();

        telemetry.addListener(seen::add);

        assertThat(seen).extracting(MeterSpec::key).contains(
                "cloak.decrypt.failures{column=patients.name,mode=randomized,reason=authentication_failed}",
                "cloak.decrypt.failures{column=patients.name,mode=randomized,reason=unknown_key_version}",
                "cloak.decrypt.failures{column=patients.name,mode=randomized,reason=not_a_cloak_cell}");
        assertThat(value(telemetry, "cloak.decrypt.failures", Map.of("reason", "authentication_failed")))
                .isEqualTo(1);
    }

    @Test
    void refusalsAreCountedByAConstructFromAFixedSet() {
        Telemetry telemetry = new Telemetry();

        telemetry.refused("ORDER BY on randomized column patients.name is not supported: sort in the application");
        telemetry.refused("LIKE on encrypted column patients.name is not supported");
        telemetry.refused("something no phrase names");

        assertThat(value(telemetry, "cloak.statements.refused", Map.of("construct", "order_by"))).isEqualTo(1);
        assertThat(value(telemetry, "cloak.statements.refused", Map.of("construct", "like"))).isEqualTo(1);
        assertThat(value(telemetry, "cloak.statements.refused", Map.of("construct", "other"))).isEqualTo(1);
        assertThat(telemetry.meters()).filteredOn(m -> m.name().equals("cloak.statements.refused"))
                .allSatisfy(m -> assertThat(RefusalConstructs.all()).contains(m.tags().get("construct")));
    }

    @Test
    void accessDenialsAreCountedByPrincipalAndColumn() {
        Telemetry telemetry = new Telemetry();

        telemetry.accessDenied("intern", "patients.ssn");
        telemetry.accessDenied("intern", "patients.ssn");
        telemetry.accessDenied(null, "patients.ssn");

        assertThat(value(telemetry, "cloak.access.denials", Map.of("principal", "intern"))).isEqualTo(2);
        assertThat(value(telemetry, "cloak.access.denials", Map.of("principal", "(unnamed)"))).isEqualTo(1);
    }
}
