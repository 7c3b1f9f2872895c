package dev.grocer.grpc.server;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;

/**
 * Keeps a client's reset of a stream out of the server's warnings. When a client cancels a call, or its
 * deadline passes, while the server still has messages queued for it (any slow reader of ListUsers, say),
 * grpc-java's Netty transport logs WARN "Stream Error" with the stack trace of an {@code Http2Exception}
 * "Stream closed before write could take place": some 40 lines for a call that has simply ended as
 * CANCELLED, and any client could fill the log with them at will. This filter turns exactly those records
 * (a stream exception of type {@code STREAM_CLOSED}) into one DEBUG line; every other transport warning
 * passes unchanged.
 */
@Component
class ResetStreamLogFilter implements Filter {

    /** The java.util.logging logger of grpc-java's Netty server transport. */
    static final String TRANSPORT_LOGGER = "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler";

    private static final Logger log = LoggerFactory.getLogger(ResetStreamLogFilter.class);

    // Held here: java.util.logging keeps loggers only weakly, and would drop the filter with an unused one.
    private final java.util.logging.Logger transportLogger = java.util.logging.Logger.getLogger(TRANSPORT_LOGGER);

    ResetStreamLogFilter() {
        // Stateless, so it may outlive this application (several applications in one JVM share the logger).
        transportLogger.setFilter(this);
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getThrown() instanceof Http2Exception.StreamException reset && reset.error() == Http2Error.STREAM_CLOSED) {
            log.debug("HTTP/2 stream {} was closed by the client before the messages queued for it were sent",
                    reset.streamId());
            return false;
        }
        return true;
    }
}
