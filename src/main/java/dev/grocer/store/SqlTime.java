package dev.grocer.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants to and from PostgreSQL's {@code timestamptz}, the one time type of grocer's schema (UTC). */
public final class SqlTime {

    private SqlTime() {}

    /** {@code instant} as a JDBC parameter for a {@code timestamptz} column. */
    public static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** The {@code timestamptz} in {@code column} of the current row. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
