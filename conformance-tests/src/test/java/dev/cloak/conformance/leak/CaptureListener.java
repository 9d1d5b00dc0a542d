package dev.cloak.conformance.leak;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Registered for the whole module through {@code META-INF/services}: starts the {@link LeakCapture} with the
 * test plan, records which tests have started (so the leak check can prove it ran last) and what failed tests
 * threw.
 */
public final class CaptureListener implements TestExecutionListener {

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        LeakCapture.start(testPlan);
    }

    @Override
    public void executionStarted(TestIdentifier testIdentifier) {
        LeakCapture.started(testIdentifier);
    }

    @Override
    public void executionSkipped(TestIdentifier testIdentifier, String reason) {
        // a skipped (@Disabled) test or class never runs: it cannot run after the check either
        LeakCapture.started(testIdentifier);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        // a run without the check (-Dtest=…) still leaves complete capture files to read
        LeakCapture.flush();
    }

    @Override
    public void executionFinished(TestIdentifier testIdentifier, TestExecutionResult result) {
        result.getThrowable().ifPresent(t -> LeakCapture.testFailure(testIdentifier.getUniqueId(), t));
    }
}
