/**
 * Cloak's SQL rewriter: turns SQL text into an immutable {@link dev.cloak.rewriter.StatementPlan} that says
 * which {@code ?} parameters, literals and result columns belong to encrypted columns (and, for DDL, the text
 * with encrypted columns' types rewritten), or refuses the statement with an
 * {@link dev.cloak.rewriter.UnsupportedStatementException}. No crypto and no JDBC here: the driver tells it how
 * large a cell is ({@link dev.cloak.rewriter.CellSizes}), executes its plans and turns its refusals into the
 * {@link dev.cloak.rewriter.RejectedStatementException} applications catch (kept in this package for them).
 *
 * <p>Reading guide. {@code SqlRewriter} caches plans and parses ({@code Parsing}: a deadline for large texts,
 * failures that say where); {@code StatementAnalyzer} plans one parsed statement: DDL in {@code DdlRewriter} (indexes
 * in {@code IndexRules}), statements that move no value in {@code UtilityStatements}; SELECT, INSERT, UPDATE and
 * DELETE through the parts an {@code Analysis} holds ({@code QueryAnalyzer}, {@code FromClause},
 * {@code SelectClauses}, {@code Conditions}, {@code PlainExpressions}, and {@code InsertAnalyzer},
 * {@code UpdateAnalyzer}, {@code DeleteAnalyzer} over a {@code WriteTarget}), then checked against the independent
 * {@code StatementWalk}. Names resolve in a {@code Scope} of {@code Source}s over {@code ConfiguredTables}, which
 * include the views over them ({@code KnownView}s, kept by {@code ViewRegistry} from CREATE VIEW and the
 * {@link dev.cloak.rewriter.Catalog}); {@code ImplicitColumns} names the columns of an INSERT that names none;
 * {@code UnparsedUtility} reads the utility statements JSqlParser cannot parse; {@code LiteralLocator} finds literals
 * and lookups in the text; {@code CiphertextRules} says what the database can do with ciphertext. A statement is
 * refused by throwing {@code Rejection}, whose message names the column, the construct and what to do, and never
 * SQL text or a value.
 */
package dev.cloak.rewriter;
