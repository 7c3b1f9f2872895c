package dev.grocer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorDetailsProto;

/**
 * A plain HTTP client for grocer's HTTP API (JDK's {@link HttpClient}, nothing of grocer's), with the replies read
 * back into the contract's messages by protobuf's JSON mapping, so tests compare them with what gRPC returns.
 */
public final class HttpApi {

    private static final JsonFormat.Parser JSON = JsonFormat.parser().usingTypeRegistry(
            JsonFormat.TypeRegistry.newBuilder().add(ErrorDetailsProto.getDescriptor().getMessageTypes()).build());

    private final HttpClient client = newClient();
    private final String base;

    /**
     * A JDK HTTP client whose threads carry this class's loader: a server started in the test's thread leaves Tomcat's
     * web-application loader as that thread's context loader, threads started from it inherit it, and Tomcat then
     * reports them at shutdown as threads the web application leaked.
     */
    public static HttpClient newClient() {
        ClassLoader loader = HttpApi.class.getClassLoader();
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        current.setContextClassLoader(loader);
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .executor(java.util.concurrent.Executors.newCachedThreadPool(task -> {
                        Thread thread = new Thread(task, "test-http-client");
                        thread.setDaemon(true);
                        thread.setContextClassLoader(loader);
                        return thread;
                    }))
                    .build();
        } finally {
            current.setContextClassLoader(before);
        }
    }

    public HttpApi(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A reply: status, headers and body as sent. */
    public record Reply(int status, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        /** The body read into a message of {@code prototype}'s type, failing on a field the type lacks. */
        @SuppressWarnings("unchecked")
        public <T extends Message> T as(T prototype) {
            return parse(body, prototype);
        }

        /** The body as the google.rpc.Status of a failed call, unpacked like a gRPC client's error. */
        public RpcError error() {
            assertThat(header("content-type")).isEqualTo("application/json");
            return RpcError.of(parse(body, com.google.rpc.Status.getDefaultInstance()));
        }

        /** The Server-Sent Events of the body. */
        public List<Event> events() {
            assertThat(header("content-type")).startsWith("text/event-stream");
            List<Event> events = new ArrayList<>();
            for (String block : body.split("\n\n")) {
                if (block.isBlank()) {
                    continue;
                }
                String name = "message";
                StringBuilder data = new StringBuilder();
                for (String line : block.split("\n")) {
                    if (line.startsWith("event:")) {
                        name = line.substring("event:".length()).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(data.isEmpty() ? "" : "\n").append(line.substring("data:".length()).strip());
                    }
                }
                events.add(new Event(name, data.toString()));
            }
            return events;
        }
    }

    /** One Server-Sent Event. */
    public record Event(String name, String data) {
        public <T extends Message> T as(T prototype) {
            return parse(data, prototype);
        }
    }

    @SuppressWarnings("unchecked")
    public static <T extends Message> T parse(String json, T prototype) {
        Message.Builder builder = prototype.newBuilderForType();
        try {
            JSON.merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not JSON for " + prototype.getDescriptorForType().getFullName() + ": " + json, e);
        }
        return (T) builder.build();
    }

    public Reply get(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    public Reply delete(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), headers);
    }

    /** A request with a JSON body ({@code content-type: application/json} unless {@code headers} set one). */
    public Reply send(String method, String path, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            typed |= headers[i].equalsIgnoreCase("content-type");
        }
        if (!typed) {
            request.header("content-type", "application/json");
        }
        return send(request, headers);
    }

    public Reply post(String path, String json, String... headers) {
        return send("POST", path, json, headers);
    }

    /** A request with a body of raw bytes. */
    public Reply sendBytes(String method, String path, byte[] body, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofByteArray(body)),
                headers);
    }

    /** The reply's body as bytes (gRPC-Web). */
    public HttpResponse<byte[]> exchangeBytes(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Reply send(HttpRequest.Builder request, String... headers) {
        request.timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }
}
