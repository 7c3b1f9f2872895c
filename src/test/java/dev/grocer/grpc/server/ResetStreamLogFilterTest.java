package dev.grocer.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;

/**
 * Which records of the Netty transport the filter keeps. That it is installed and silences a real reset is
 * shown over the wire by {@code dev.grocer.stress.LoadAndFaultsTest} (the slow reader that cancels).
 */
class ResetStreamLogFilterTest {

    private final ResetStreamLogFilter filter = new ResetStreamLogFilter();

    private static LogRecord warning(Throwable thrown) {
        LogRecord record = new LogRecord(Level.WARNING, "Stream Error");
        record.setThrown(thrown);
        return record;
    }

    @Test
    void dropsAStreamTheClientClosedBeforeQueuedWritesWereSent() {
        assertThat(filter.isLoggable(warning(Http2Exception.streamError(3, Http2Error.STREAM_CLOSED,
                "Stream closed before write could take place")))).isFalse();
    }

    @Test
    void keepsOtherStreamErrorsConnectionErrorsAndPlainWarnings() {
        assertThat(filter.isLoggable(warning(Http2Exception.streamError(3, Http2Error.PROTOCOL_ERROR,
                "bad frame")))).isTrue();
        assertThat(filter.isLoggable(warning(new Http2Exception(Http2Error.STREAM_CLOSED, "connection")))).isTrue();
        assertThat(filter.isLoggable(warning(new IllegalStateException("Exception in onDataRead()")))).isTrue();
        assertThat(filter.isLoggable(warning(null))).isTrue();
    }

    @Test
    void isTheFilterOfTheTransportLogger() {
        assertThat(java.util.logging.Logger.getLogger(ResetStreamLogFilter.TRANSPORT_LOGGER).getFilter())
                .isSameAs(filter);
    }
}
