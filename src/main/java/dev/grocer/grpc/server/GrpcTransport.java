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
     * The HTTP client's address and port ({@code 203.0.113.7:51234}), which the HTTP side sets on every call it
     * makes, for the access log; believed, like {@link #HEADER}, only on its in-process server.
     */
    public static final Metadata.Key<String> PEER_HEADER =
            Metadata.Key.of("grocer-http-peer", Metadata.ASCII_STRING_MARSHALLER);

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
        if (!overHttp(call)) {
            return GRPC;
        }
        String sent = headers.get(HEADER);
        return GRPC_WEB.tag.equals(sent) ? GRPC_WEB : HTTP_JSON;
    }

    /** The HTTP client's address of a call that came over HTTP, or {@code null} for a gRPC call. */
    static String httpPeer(ServerCall<?, ?> call, Metadata headers) {
        return overHttp(call) ? headers.get(PEER_HEADER) : null;
    }

    private static boolean overHttp(ServerCall<?, ?> call) {
        return call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR) instanceof InProcessSocketAddress local
                && local.getName().startsWith(BRIDGE_NAME_PREFIX);
    }
}
