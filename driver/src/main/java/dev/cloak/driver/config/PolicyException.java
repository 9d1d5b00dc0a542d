package dev.cloak.driver.config;

import dev.cloak.driver.internal.error.SqlState;
import java.sql.SQLNonTransientException;

/**
 * A policy file that cannot be used: missing, unreadable or wrong. SQLState {@code F0000} (configuration
 * file error); the message reads {@code <file>:<line>: <setting>: <problem>} and never carries a secret value.
 */
public final class PolicyException extends SQLNonTransientException {

    private static final long serialVersionUID = 1L;

    /** SQLState of every policy error: class F0, configuration file error. */
    public static final String SQL_STATE = SqlState.POLICY_ERROR.code();

    private final String source;
    private final int line;
    private final String setting;

    /**
     * @param source  the policy file (path or {@code classpath:} name)
     * @param line    1-based line, or 0 when the problem concerns the whole file
     * @param setting dotted setting name, or {@code null} when the problem concerns the whole file
     * @param problem what is wrong, without any secret value
     */
    public PolicyException(String source, int line, String setting, String problem) {
        this(source, line, setting, problem, null);
    }

    /** As {@link #PolicyException(String, int, String, String)}, with the I/O or parser failure as cause. */
    public PolicyException(String source, int line, String setting, String problem, Throwable cause) {
        super(format(source, line, setting, problem), SQL_STATE, cause);
        this.source = source;
        this.line = line;
        this.setting = setting;
    }

    private static String format(String source, int line, String setting, String problem) {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (setting != null) {
            sb.append(setting).append(": ");
        }
        return sb.append(problem).toString();
    }

    /** The policy file the error is in. */
    public String source() {
        return source;
    }

    /** The 1-based line of the error, or 0 when it concerns the whole file. */
    public int line() {
        return line;
    }

    /** The dotted name of the setting in error, or {@code null}. */
    public String setting() {
        return setting;
    }
}
