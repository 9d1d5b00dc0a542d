package dev.cloak.driver.network;

import dev.cloak.driver.internal.error.SqlState;

/**
 * One network rule a connection breaks: the policy setting that makes it a rule, and what is wrong and how to fix it.
 *
 * @param setting the policy setting ({@code network.verify-server}, …)
 * @param problem what is wrong, naming the delegate setting, and what to change
 * @param state   the SQLState a connection refused for it gets
 */
public record NetworkFinding(String setting, String problem, SqlState state) {
}
