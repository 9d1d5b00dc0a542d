package dev.cloak.rewriter.lexer;

import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserTokenManager;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.SimpleCharStream;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.parser.Token;

/**
 * JSqlParser's token manager with {@code ?} read as the JDBC drivers read it: a parameter of its own, whatever
 * follows. JSqlParser scans {@code ?|} and {@code ?&} as PostgreSQL's jsonb operators, but pgjdbc, MariaDB
 * Connector/J and H2 bind a parameter there (pgjdbc's jsonb operators are written {@code ??|} and {@code ??&}), so
 * {@code (?||'%')}, which Hibernate writes for {@code concat('%', :p)}, is a parameter and {@code ||}. Every parse
 * and every comparison of JSqlParser's reading with the server's scans through this class.
 */
public final class JdbcParameterTokens extends CCJSqlParserTokenManager {

    private static final int QUESTION_MARK = kindOf("\"?\"");
    private static final int QUESTION_BAR = kindOf("\"?|\"");
    private static final int QUESTION_AMPERSAND = kindOf("\"?&\"");

    private JdbcParameterTokens(String sql) {
        super(new SimpleCharStream(new StringProvider(sql)));
    }

    /** A parser of {@code sql} that reads its tokens from this token manager. */
    public static CCJSqlParser parser(String sql) throws ParseException {
        CCJSqlParser parser = new CCJSqlParser(sql);
        parser.ReInit(new JdbcParameterTokens(sql));
        return parser;
    }

    /** The token manager alone, for a scan of {@code sql} without a parse. */
    static CCJSqlParserTokenManager scanner(String sql) {
        return new JdbcParameterTokens(sql);
    }

    @Override
    public Token getNextToken() {
        Token token = super.getNextToken();
        if (token.kind == QUESTION_BAR || token.kind == QUESTION_AMPERSAND) {
            // the operator character goes back to the stream and is scanned with what follows it (|| stays ||)
            input_stream.backup(token.image.length() - 1);
            token.kind = QUESTION_MARK;
            token.image = "?";
            token.endLine = token.beginLine;
            token.endColumn = token.beginColumn;
            token.absoluteEnd = token.absoluteBegin + 1;
        }
        return token;
    }

    /** JSqlParser's token kind of a token image as its grammar writes it ({@code "\"?\""}). */
    static int kindOf(String image) {
        String[] images = CCJSqlParserConstants.tokenImage;
        for (int i = 0; i < images.length; i++) {
            if (images[i].equals(image)) {
                return i;
            }
        }
        throw new IllegalStateException("JSqlParser has no token " + image);
    }
}
