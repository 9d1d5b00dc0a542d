package dev.cloak.driver.internal.error;

import java.sql.SQLException;

/**
 * Every SQLState Cloak gives its own failures, and what each means to the application. The database's own errors
 * pass through with the database's states. {@link SqlErrors} builds the exceptions, with the JDBC subclass that
 * goes with each state; no other class of Cloak's writes a state.
 */
public enum SqlState {

    /**
     * Cloak cannot open the connection: no driver accepts the delegate URL or it refused it, an unknown
     * {@code cloak.*} setting, a {@code CloakDataSource} without a target. Not transient: fix the configuration.
     */
    CONNECTION_NOT_OPENED("08001"),
    /** The data source was closed while it was being used (a health check racing {@code close()}). */
    CONNECTION_CLOSED("08003"),
    /**
     * The delegate URL or connection properties name a setting that makes the driver load a class, run a script or
     * statements, or read local files, and the policy's {@code network.allow-driver-settings} does not list it.
     * Refused before the delegate driver sees the URL: fix the URL or allow the setting.
     */
    DRIVER_SETTING_REFUSED("08001"),
    /**
     * The policy requires TLS and the session is not proven encrypted, or older than {@code network.min-tls}, or the
     * server saw no client certificate where {@code network.require-client-cert} asks for one; the connection has
     * been closed.
     */
    TLS_REQUIRED("08004"),
    /**
     * {@code network.verify-server} is on and the delegate's settings do not make it verify the server's certificate
     * and host name (pgjdbc {@code sslmode=verify-full}, MariaDB {@code sslMode=verify-full}). Refused before the
     * delegate driver connects.
     */
    SERVER_NOT_VERIFIED("08004"),
    /**
     * A statement Cloak refuses to send because it cannot handle an encrypted column correctly in it; the
     * connection is healthy. Always a {@code RejectedStatementException}, which pools keep the connection for.
     */
    STATEMENT_REFUSED("0A000"),
    /**
     * A stored cell that does not decrypt: tampered, copied from another column, of an unknown format, mode or
     * key, or not a value of the column's type. Other cells can still be read.
     */
    BAD_CELL("22000"),
    /** A value longer than its encrypted column's declared size, or than the largest cell, allows. */
    VALUE_TOO_LONG("22001"),
    /** A value that does not convert exactly to or from its column's type (never rounded, never truncated). */
    NOT_CONVERTIBLE("22018"),
    /** A stream or reader whose declared length is negative or longer than its content. */
    INVALID_LENGTH("22023"),
    /**
     * The access policy denies the principal a use of an encrypted column: reading its plaintext, or (before the
     * statement is sent) looking it up by value, comparing, copying or writing it.
     */
    ACCESS_DENIED("28000"),
    /**
     * The connection's principal cannot be what the application asks: it names one ({@code cloak.principal},
     * {@code setPrincipal}) where the policy decides on the database session's user, or changes one that was fixed
     * for the whole connection. Class 28, as the database's own authorization failures; when the connection was
     * being opened it has been closed.
     */
    PRINCIPAL_REFUSED("28000"),
    /**
     * The key store, the KMS or HSM, or the audit trail cannot be reached, read or written now (class 58, errors
     * outside the database: its I/O error). Transient: the same call may succeed later, and the connection stays
     * usable.
     */
    UNAVAILABLE("58030"),
    /**
     * A key domain has no keyset and none may be created: auto-create is off, or its columns already hold values (a
     * missing, moved or emptied key store). Restore the key store or run {@code cloak keys init}. No standard state
     * means "key not found": class 58 with Cloak's own subclass, which no pool reads as a broken connection.
     */
    KEY_MISSING("58K01"),
    /**
     * A stored keyset does not unwrap under the configured master key: another master key wrapped it, or it was
     * changed. Retrying cannot help.
     */
    KEYSET_DOES_NOT_UNWRAP("58K02"),
    /**
     * The KMS or HSM answered and refused: a wrong PIN, credentials without the right to use the master key. Not class
     * 28, which means the database session's own authorization (and Cloak's access policy, 28000).
     */
    KEY_SERVICE_DENIED("58K03"),
    /**
     * The key store holds an older keyset of a domain than the generation ledger has seen (a restored backup): using
     * it could bring back destroyed or retired key versions, so it is refused until the newest keys are restored.
     */
    KEY_STORE_ROLLED_BACK("58K04"),
    /**
     * The policy file cannot be found, read or used; also a key store or master-key URI Cloak refuses (one not Cloak's,
     * an unknown scheme, an administrative change that is not allowed): the configuration must be fixed.
     */
    POLICY_ERROR("F0000"),
    /** Cloak met a state it never expects (a column its own policy does not have): refused rather than guessed. */
    INTERNAL_ERROR("XX000");

    /** SQLState class 22, data exception: the value is wrong, not the connection or the statement. */
    private static final String DATA_EXCEPTION_CLASS = "22";

    private final String code;

    SqlState(String code) {
        this.code = code;
    }

    /** The five-character SQLState. */
    public String code() {
        return code;
    }

    /** Whether {@code e}, Cloak's or the database's, is a data exception (class 22): one value is at fault. */
    public static boolean isDataException(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith(DATA_EXCEPTION_CLASS);
    }
}
