package dev.grocer.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the client profile connects ({@code grocer.client.target}), and the one place that turns it into
 * the target of the gRPC channel. Two forms:
 * <ul>
 * <li>{@code host:port}, or several separated by commas ({@code 10.0.0.5:9090,10.0.0.6:9090}, IPv6 in
 * brackets): each is a server of its own, which the channel's {@code round_robin} policy takes in turn.
 * <li>a gRPC target URI with a scheme, passed on as written: {@code dns:///grocer-headless:9090} asks DNS
 * for every address of the name (a Kubernetes headless service answers with one per ready pod).
 * </ul>
 *
 * <p>A list becomes the starter's {@code static://} target, whose resolver reads the URI's authority
 * and splits it at the commas. grpc-java 1.83 parses targets as RFC 3986 URIs, where an authority is at
 * most one host and one port: {@code static://h1:9090,h2:9090} is rejected. A host that is a list is
 * legal as a registered name once its colons and brackets are percent-encoded
 * ({@code static://h1%3A9090,h2%3A9090}; the comma is allowed as it is); both that parser and
 * {@code java.net.URI}, which the resolver receives, decode the authority back to {@code h1:9090,h2:9090}.
 * So the encoding does not depend on grpc-java's {@code GRPC_ENABLE_RFC3986_URIS} switch.
 */
public final class ClientTarget {

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/.*");

    private final String text;
    private final URI channelTarget;

    private ClientTarget(String text, URI channelTarget) {
        this.text = text;
        this.channelTarget = channelTarget;
    }

    /**
     * Parses {@code grocer.client.target}; Spring's binder calls this to convert the property.
     *
     * @throws IllegalArgumentException naming the property and what is wrong with the value
     */
    public static ClientTarget of(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("is empty; give host:port, several separated by commas, or a target such as"
                    + " dns:///name:port");
        }
        String trimmed = text.trim();
        if (SCHEME.matcher(trimmed).matches()) {
            try {
                return new ClientTarget(trimmed, new URI(trimmed));
            } catch (URISyntaxException e) {
                throw invalid("'" + trimmed + "' is not a valid target URI: " + e.getMessage());
            }
        }
        List<String> servers = new ArrayList<>();
        // -1 keeps trailing empty elements, so "a:1," is reported instead of silently read as "a:1".
        for (String element : trimmed.split(",", -1)) {
            servers.add(server(element.trim(), trimmed));
        }
        String authority = String.join(",", servers.stream().map(ClientTarget::encode).toList());
        return new ClientTarget(trimmed, URI.create("static://" + authority));
    }

    /** Checks one {@code host:port} of the list and returns it as written. */
    private static String server(String element, String list) {
        if (element.isEmpty()) {
            throw invalid("'" + list + "' has an empty address; separate host:port entries by single commas");
        }
        URI uri;
        try {
            uri = new URI("//" + element).parseServerAuthority();
        } catch (URISyntaxException e) {
            throw invalid("'" + element + "' is not host:port (" + e.getReason() + ")");
        }
        if (uri.getHost() == null || uri.getUserInfo() != null || !element.equals(uri.getRawAuthority())) {
            throw invalid("'" + element + "' is not host:port");
        }
        if (uri.getPort() < 1 || uri.getPort() > 65535) {
            throw invalid("'" + element + "' needs a port from 1 to 65535, as host:port");
        }
        return element;
    }

    private static String encode(String server) {
        return server.replace("[", "%5B").replace("]", "%5D").replace(":", "%3A");
    }

    private static IllegalArgumentException invalid(String reason) {
        return new IllegalArgumentException("grocer.client.target " + reason);
    }

    /** The target the gRPC channel is built for. */
    URI channelTarget() {
        return channelTarget;
    }

    /** The target as the user wrote it, for messages. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientTarget that && channelTarget.equals(that.channelTarget);
    }

    @Override
    public int hashCode() {
        return channelTarget.hashCode();
    }
}
