/**
 * Cloak's SQL rewriter: turns SQL text into an immutable {@link dev.cloak.rewriter.StatementPlan} that says
 * which {@code ?} parameters and result columns belong to encrypted columns, or rejects the statement with
 * SQLState {@code 0A000}. No crypto and no JDBC connections here; the driver only executes plans.
 */
package dev.cloak.rewriter;
