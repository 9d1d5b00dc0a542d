package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.conformance.leak.LeakCapture.Snapshot;
import dev.cloak.conformance.leak.LeakReport;
import dev.cloak.conformance.leak.Needles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 4: every log line, exception text, audit record and {@code toString()} the suite
 * produced holds no plaintext of an encrypted column and no key bytes. Runs after every other test class of
 * the module ({@code junit-platform.properties} orders classes by {@link Order}) and checks that it did.
 * What is captured and how: {@link LeakCapture}; what counts as a leak: {@link Needles}.
 */
@Order(Integer.MAX_VALUE)
class LeakCheckTest {

    @Test
    void noCapturedTextOfTheSuiteHoldsAPlaintextOrKeyBytes() {
        if (LeakCapture.fixtures() == 0) {
            System.err.println("*** SKIPPING the leak check: no conformance test ran before it in this JVM (run the whole module) ***");
            Assumptions.abort("the leak check needs the whole suite to run first");
        }
        assertThat(LeakCapture.notStarted()).as("tests that would run after the leak check, unchecked").isEmpty();

        Snapshot capture = LeakCapture.finish();
        List<Object> samples = new ArrayList<>();
        for (TypeSample s : TypeSample.values()) {
            samples.addAll(s.extremes());
            samples.addAll(s.typedValues());
            samples.add(s.typical());
        }
        LeakReport report = LeakReport.of(capture, samples);
        System.out.println(report.summary());

        // the capture must have seen something of every kind, or finding nothing proves nothing
        Map<String, Integer> counts = capture.counts();
        assertThat(counts.get("Cloak log lines")).as("Cloak log lines").isPositive();
        assertThat(counts.get("exceptions.txt records")).as("exceptions the tests saw").isPositive();
        assertThat(counts.get("thrown-under-cloak.txt records")).as("exceptions constructed under Cloak (JFR)").isPositive();
        assertThat(counts.get("tostring.txt records")).as("toString() samples").isPositive();
        assertThat(counts.get("audit records")).as("audit records").isPositive();
        assertThat(capture.keys()).as("keys harvested from the tests' keyrings").isNotEmpty();
        assertThat(report.searchedPlaintexts()).as("plaintexts searched for").isPositive();
        report.assertClean();
    }
}
