/**
 * Reads SQL text as the database server will: one lexer per dialect (comments, strings, quoted identifiers,
 * parameters and statement boundaries exactly as PostgreSQL, MariaDB/MySQL and H2 scan them), under every
 * session setting that changes how text is scanned, plus the readings of the JDBC drivers and of JSqlParser.
 * A statement on a configured table is planned only when all of these readings agree on every string,
 * comment, quoted identifier, parameter and statement boundary; otherwise it is refused.
 */
package dev.cloak.rewriter.lexer;
