package dev.cloak.driver;

import java.util.Map;

/**
 * The JMX view of what a {@link CloakDataSource} counts, for teams without Micrometer: the same meters as
 * {@link CloakMetrics}, as {@code name{tag=value,…}} to their value, and the totals an alert watches. Registered by
 * {@link CloakJmx#register}.
 */
public interface CloakStatisticsMXBean {

    /** Every meter, keyed {@code name{tag=value,…}}: counters so far and gauges now. */
    Map<String, Double> getMeters();

    /** Cells encrypted, every column. */
    long getCellsEncrypted();

    /** Cells decrypted, every column. */
    long getCellsDecrypted();

    /** Stored cells that did not decrypt, every reason. */
    long getDecryptFailures();

    /** Stored cells that failed authentication: tampered, or copied from another key domain. */
    long getDecryptAuthenticationFailures();

    /** Statements Cloak refused to send. */
    long getStatementsRefused();

    /** Uses of an encrypted column the access policy refused. */
    long getAccessDenials();

    /** Calls to the master key (KMS or HSM). */
    long getKmsCalls();

    /** Calls to the master key that failed. */
    long getKmsErrors();

    /** The longest master-key call so far, in milliseconds. */
    double getKmsLatencyMaxMillis();

    /** Whether the master key is a development key ({@code local:}). */
    boolean isDevelopmentKey();
}
