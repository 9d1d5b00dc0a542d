package dev.cloak.spring.boot;

import dev.cloak.driver.config.PolicyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a policy that stopped the application as Spring Boot reports its own configuration errors: what is wrong
 * (the policy file's or property's name, line and setting) and what to do, without a stack trace to dig through.
 */
final class PolicyFailureAnalyzer extends AbstractFailureAnalyzer<PolicyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PolicyException cause) {
        return new FailureAnalysis("Cloak's policy cannot be used: " + cause.getMessage(),
                "Correct the setting named above: in the policy file cloak.config names, or in the cloak.* "
                        + "properties that give the policy inline. Cloak does not start with a policy it cannot read, "
                        + "and cloak.enabled=false switches it off.", cause);
    }
}
