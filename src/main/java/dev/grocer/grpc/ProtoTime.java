package dev.grocer.grpc;

import java.time.Instant;

import com.google.protobuf.Timestamp;

/** Converts domain instants to {@code google.protobuf.Timestamp} for every feature's mapper. */
public final class ProtoTime {

    private ProtoTime() {}

    /** The same instant, to the nanosecond. */
    public static Timestamp of(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
