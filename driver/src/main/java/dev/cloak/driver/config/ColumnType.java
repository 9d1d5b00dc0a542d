package dev.cloak.driver.config;

import java.sql.Types;
import java.util.Locale;

/** The logical type of an encrypted column, as named in the policy file ({@code type: varchar}). */
public enum ColumnType {
    VARCHAR(Types.VARCHAR),
    INT(Types.INTEGER),
    BIGINT(Types.BIGINT),
    SMALLINT(Types.SMALLINT),
    DECIMAL(Types.DECIMAL),
    DOUBLE(Types.DOUBLE),
    BOOLEAN(Types.BOOLEAN),
    DATE(Types.DATE),
    TIME(Types.TIME),
    TIMESTAMP(Types.TIMESTAMP),
    TIMESTAMPTZ(Types.TIMESTAMP_WITH_TIMEZONE),
    UUID(Types.OTHER),
    BYTES(Types.VARBINARY);

    private final int jdbcType;

    ColumnType(int jdbcType) {
        this.jdbcType = jdbcType;
    }

    /** The {@link java.sql.Types} constant that metadata reports for a column of this logical type. */
    public int jdbcType() {
        return jdbcType;
    }

    /** The name used in the policy file, e.g. {@code varchar}. */
    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named {@code name} in a policy file, or {@code null} when there is none. */
    public static ColumnType fromPolicyName(String name) {
        for (ColumnType type : values()) {
            if (type.policyName().equals(name)) {
                return type;
            }
        }
        return null;
    }
}
