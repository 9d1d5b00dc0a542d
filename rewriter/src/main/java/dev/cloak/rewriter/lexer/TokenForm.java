package dev.cloak.rewriter.lexer;

/**
 * The exact construct a token is, with the words a refusal uses to name it (never the token's text).
 */
public enum TokenForm {
    WORD(TokenKind.WORD, "identifier"),
    NUMBER(TokenKind.NUMBER, "number"),
    OPERATOR(TokenKind.OPERATOR, "operator"),
    OTHER(TokenKind.OTHER, "character the server does not accept there"),
    NUL(TokenKind.OTHER, "NUL character"),
    SEMICOLON(TokenKind.SEMICOLON, "statement boundary (;)"),
    PLACEHOLDER(TokenKind.PLACEHOLDER, "? parameter"),
    DOLLAR_PLACEHOLDER(TokenKind.PLACEHOLDER, "$ parameter"),
    NUMBERED_PLACEHOLDER(TokenKind.NUMBERED_PLACEHOLDER, "numbered parameter ($1 or ?1)"),
    NAMED_PLACEHOLDER(TokenKind.NUMBERED_PLACEHOLDER, ":name parameter (sql_mode ORACLE)"),
    QUOTED_STRING(TokenKind.STRING, "'...' string"),
    ESCAPE_STRING(TokenKind.STRING, "E'...' string"),
    NATIONAL_STRING(TokenKind.STRING, "N'...' string"),
    UNICODE_STRING(TokenKind.STRING, "U&'...' string"),
    INTRODUCED_STRING(TokenKind.STRING, "string with a character set introducer (_charset'...')"),
    DOUBLE_QUOTED_STRING(TokenKind.STRING, "double-quoted string"),
    DOLLAR_STRING(TokenKind.STRING, "dollar-quoted string"),
    HEX_STRING(TokenKind.STRING, "X'...' string"),
    BIT_STRING(TokenKind.STRING, "B'...' string"),
    DOUBLE_QUOTED_IDENTIFIER(TokenKind.QUOTED_IDENTIFIER, "double-quoted identifier"),
    UNICODE_IDENTIFIER(TokenKind.QUOTED_IDENTIFIER, "U&\"...\" identifier"),
    BACKQUOTED_IDENTIFIER(TokenKind.QUOTED_IDENTIFIER, "backquoted identifier"),
    BRACKETED_IDENTIFIER(TokenKind.QUOTED_IDENTIFIER, "[bracketed] identifier"),
    DASH_COMMENT(TokenKind.COMMENT, "-- comment"),
    HASH_COMMENT(TokenKind.COMMENT, "# comment"),
    SLASH_COMMENT(TokenKind.COMMENT, "// comment"),
    BLOCK_COMMENT(TokenKind.COMMENT, "/* ... */ comment"),
    HINT_COMMENT(TokenKind.COMMENT, "/*+ ... */ optimizer hint"),
    EXECUTABLE_COMMENT(TokenKind.EXECUTABLE, "executable comment (/*! ... */, /*!NNNNN ... */ or /*M! ... */)"),
    VERSION_COMMENT(TokenKind.EXECUTABLE, "version comment (/*!NNNNN ... */) that another server version runs"),
    EXECUTABLE_COMMENT_END(TokenKind.EXECUTABLE, "end of an executable comment");

    private final TokenKind kind;
    private final String description;

    TokenForm(TokenKind kind, String description) {
        this.kind = kind;
        this.description = description;
    }

    /** The coarse class two readings are compared by. */
    public TokenKind kind() {
        return kind;
    }

    /** How a message names the construct. */
    public String description() {
        return description;
    }
}
