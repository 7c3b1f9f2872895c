package dev.grocer.grpc.server;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.inprocess.InProcessSocketAddress;

/**
 * How a call reached the services: over gRPC (Netty), or over HTTP through {@code dev.grocer.http}, which
 * hands calls to the services on an in-process server and says which HTTP protocol carried them in the
 * {@link #HEADER} header. The header is believed only on that in-process server: a gRPC client that sends it
 * is still counted as gRPC.
 */
public enum GrpcTransport {
    /** gRPC over HTTP/2, on the gRPC port. */
    GRPC("grpc"),
    /** HTTP/JSON transcoding on the HTTP port. */
    HTTP_JSON("http-json"),
    /** gRPC-Web on the HTTP port. */
    GRPC_WEB("grpc-web");

    /** The header the HTTP side sets on every call it makes (and strips from what its clients send). */
    public static final Metadata.Key<String> HEADER =
            Metadata.Key.of("grocer-transport", Metadata.ASCII_STRING_MARSHALLER);

    /**
     * The start of the in-process server's name that {@code dev.grocer.http} serves HTTP calls on (the rest is
     * random). Other in-process servers (net.devh's {@code grpc.server.in-process-name}) count as gRPC.
     */
    public static final String BRIDGE_NAME_PREFIX = "grocer-http-";

    private final String tag;

    GrpcTransport(String tag) {
        this.tag = tag;
    }

    /** The value of the {@code transport} tag on the gRPC server metrics, and of the header. */
    public String tag() {
        return tag;
    }

    static GrpcTransport of(ServerCall<?, ?> call, Metadata headers) {
        if (!(call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR) instanceof InProcessSocketAddress local)
                || !local.getName().startsWith(BRIDGE_NAME_PREFIX)) {
            return GRPC;
        }
        String sent = headers.get(HEADER);
        return GRPC_WEB.tag.equals(sent) ? GRPC_WEB : HTTP_JSON;
    }
}
