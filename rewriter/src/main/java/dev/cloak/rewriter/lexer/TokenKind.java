package dev.cloak.rewriter.lexer;

/** The coarse class of a token: what two readings of one text must agree on. */
public enum TokenKind {
    /** An unquoted identifier or keyword. */
    WORD,
    /** A numeric literal. */
    NUMBER,
    /** Any operator or punctuation that is not one of the other kinds. */
    OPERATOR,
    /** A character the server rejects where it stands (its statement fails to parse). */
    OTHER,
    /** A statement boundary. */
    SEMICOLON,
    /** A positional JDBC parameter ({@code ?}, and H2's bare {@code $}). */
    PLACEHOLDER,
    /** A parameter with a number or name ({@code $1}, {@code ?1}, {@code :name}). */
    NUMBERED_PLACEHOLDER,
    /** A string literal of any form. */
    STRING,
    /** A quoted (delimited) identifier of any form. */
    QUOTED_IDENTIFIER,
    /** A comment the server ignores. */
    COMMENT,
    /** A comment whose content the server may run as SQL (MariaDB/MySQL {@code /*! ... *}{@code /}). */
    EXECUTABLE
}
