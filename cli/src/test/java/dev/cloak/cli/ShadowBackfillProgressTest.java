package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The progress bar {@code cloak migrate} draws on a terminal while it backfills. */
class ShadowBackfillProgressTest {

    @Test
    void theBarShowsTheShareDoneRowsRateAndEta() {
        String line = ShadowBackfill.bar("backfill users.email", 4_200, 10_000, 1_234);
        assertThat(line).isEqualTo("backfill users.email [############..................]  42% 4,200/10,000 rows, "
                + "1,234 rows/s, ETA 0:00:04");
        assertThat(line).doesNotContain("\r", "\n");
    }

    @Test
    void anUnknownRateHasNoEtaAndRowsBeyondTheTotalShowAFullBar() {
        assertThat(ShadowBackfill.bar("b", 0, 100, 0)).isEqualTo("b [" + ".".repeat(30) + "]   0% 0/100 rows, "
                + "0 rows/s, ETA ?");
        assertThat(ShadowBackfill.bar("b", 130, 100, 10)).startsWith("b [" + "#".repeat(30) + "] 100% 130/100 rows")
                .endsWith("ETA 0:00:00");
        assertThat(ShadowBackfill.bar("b", 0, 0, 0)).contains("100% 0/0 rows");
    }

    @Test
    void durationsAreHoursMinutesSeconds() {
        assertThat(ShadowBackfill.duration(0)).isEqualTo("0:00:00");
        assertThat(ShadowBackfill.duration(3_725)).isEqualTo("1:02:05");
        assertThat(ShadowBackfill.duration(100 * 3_600 + 59)).isEqualTo("100:00:59");
    }
}
