package dev.grocer.http;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import com.google.protobuf.Message;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;

/**
 * HTTP/JSON transcoding: an HTTP request to a route ({@link HttpRoute}) becomes one call to the gRPC service,
 * through {@link GrpcBridge}. A unary reply is the response body; a server stream is a stream of Server-Sent Events,
 * one unnamed event per message and, at its end, one event named {@code status} whose data is the call's
 * {@code google.rpc.Status} (code 0 when it ended well), so that a browser's {@code EventSource} knows to close
 * rather than reconnect. A call that fails before its first message gets an ordinary HTTP error response instead,
 * like a unary call ({@link StatusJson}).
 */
final class Transcoding {

    /** A stream lasts as long as its call, as over gRPC: the servlet container's async timeout does not apply. */
    private static final Duration NO_TIMEOUT = Duration.ofMillis(-1);

    private final GrpcBridge bridge;
    private final CallHeaders headers;
    private final RequestBodies bodies;
    private final Executor streams;
    private final ScheduledExecutorService heartbeats;
    private final Duration heartbeat;

    /**
     * @param streams the threads that write stream messages to their clients
     * @param heartbeats the timer of the streams' heartbeats
     * @param heartbeat how often an idle stream sends a comment line: it keeps proxies from closing a quiet
     *        connection, and it is how the server learns that a client has gone (a write fails), which cancels the call
     */
    Transcoding(GrpcBridge bridge, CallHeaders headers, RequestBodies bodies, Executor streams,
            ScheduledExecutorService heartbeats, Duration heartbeat) {
        this.bridge = bridge;
        this.headers = headers;
        this.bodies = bodies;
        this.streams = streams;
        this.heartbeats = heartbeats;
        this.heartbeat = heartbeat;
    }

    ServerResponse handle(HttpRoute route, ServerRequest request) throws InterruptedException {
        HttpServletRequest servlet = request.servletRequest();
        Message message;
        Metadata metadata;
        CallOptions options;
        try {
            String body = route.hasBody() ? bodies.json(servlet) : bodies.none(servlet);
            message = route.request(request.pathVariables(), request.params(), body);
            metadata = headers.json(servlet);
            options = CallHeaders.options(servlet);
        } catch (BadHttpRequest bad) {
            return StatusJson.error(bad);
        }
        return route.serverStreaming() ? stream(route, message, metadata, options)
                : unary(route, message, metadata, options);
    }

    private ServerResponse unary(HttpRoute route, Message message, Metadata metadata, CallOptions options)
            throws InterruptedException {
        UnaryListener listener = new UnaryListener();
        ClientCall<Message, Message> call = bridge.channel().newCall(route.method(), options);
        call.start(listener, metadata);
        call.request(2); // a second message would be the server's error, as in grpc-java's own unary calls
        call.sendMessage(message);
        call.halfClose();
        Ended ended = await(listener.ended, call);
        if (ended.status().isOk() && listener.reply != null) {
            return StatusJson.ok(listener.reply);
        }
        return StatusJson.error(ended.rich());
    }

    private ServerResponse stream(HttpRoute route, Message message, Metadata metadata, CallOptions options)
            throws InterruptedException {
        // The stream's messages arrive on a thread of their own, so a slow HTTP client holds up only its own call.
        ClientCall<Message, Message> call = bridge.channel().newCall(route.method(), options.withExecutor(streams));
        EventRelay relay = new EventRelay(call, heartbeats, heartbeat);
        call.start(relay, metadata);
        call.request(1);
        call.sendMessage(message);
        call.halfClose();
        Ended early = await(relay.started, call);
        if (early != null && !early.status().isOk()) {
            return StatusJson.error(early.rich());
        }
        return ServerResponse.sse(relay::attach, NO_TIMEOUT);
    }

    private static <T> T await(CompletableFuture<T> future, ClientCall<?, ?> call) throws InterruptedException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            call.cancel("the HTTP request was interrupted", e);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** How a call ended. */
    record Ended(Status status, Metadata trailers) {
        /** The status with its details (from {@code grpc-status-details-bin}), as the client gets it. */
        com.google.rpc.Status rich() {
            return StatusProto.fromStatusAndTrailers(status, trailers);
        }
    }

    private static final class UnaryListener extends ClientCall.Listener<Message> {
        final CompletableFuture<Ended> ended = new CompletableFuture<>();
        volatile Message reply;

        @Override
        public void onMessage(Message message) {
            reply = message;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            ended.complete(new Ended(status, trailers));
        }
    }

    /**
     * Hands a server stream's messages to the SSE response, one at a time: the next message is requested when the
     * last one is written, so a slow client slows its stream (gRPC flow control) rather than filling memory. Until
     * the response exists (the first message decides between SSE and an error response) messages wait here; there
     * is at most one, as only one is requested.
     */
    private static final class EventRelay extends ClientCall.Listener<Message> {
        /** Completes with {@code null} when the stream starts (headers), or with how it ended if it ended first. */
        final CompletableFuture<Ended> started = new CompletableFuture<>();
        private final ClientCall<Message, Message> call;
        private final ScheduledExecutorService heartbeats;
        private final Duration heartbeat;
        private final Queue<Message> pending = new ArrayDeque<>(2);
        private ServerResponse.SseBuilder events;
        private ScheduledFuture<?> beating;
        private Ended ended;
        private boolean done;

        EventRelay(ClientCall<Message, Message> call, ScheduledExecutorService heartbeats, Duration heartbeat) {
            this.call = call;
            this.heartbeats = heartbeats;
            this.heartbeat = heartbeat;
        }

        @Override
        public void onHeaders(Metadata headers) {
            started.complete(null);
        }

        @Override
        public synchronized void onMessage(Message message) {
            if (events == null) {
                pending.add(message);
            } else {
                send(message);
            }
        }

        @Override
        public synchronized void onClose(Status status, Metadata trailers) {
            ended = new Ended(status, trailers);
            started.complete(ended);
            if (events != null) {
                finish();
            }
        }

        synchronized void attach(ServerResponse.SseBuilder events) {
            this.events = events;
            events.onError(error -> cancel(error));
            events.onTimeout(() -> cancel(null));
            while (!pending.isEmpty()) {
                send(pending.poll());
            }
            if (ended != null) {
                finish();
            } else if (!done) {
                long period = heartbeat.toMillis();
                beating = heartbeats.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
            }
        }

        private synchronized void beat() {
            if (done) {
                return;
            }
            try {
                events.comment("").send();
            } catch (IOException | RuntimeException e) {
                cancel(e);
            }
        }

        private void send(Message message) {
            if (done) {
                return;
            }
            try {
                events.data(StatusJson.print(message));
            } catch (IOException | RuntimeException e) {
                cancel(e);
                return;
            }
            call.request(1);
        }

        private void finish() {
            if (done) {
                return;
            }
            done = true;
            stopBeating();
            try {
                events.event("status").data(StatusJson.print(ended.rich()));
                events.complete();
            } catch (IOException | RuntimeException e) {
                events.error(e);
            }
        }

        private synchronized void cancel(Throwable cause) {
            if (!done) {
                done = true;
                stopBeating();
                call.cancel("the HTTP client went away", cause);
            }
        }

        private void stopBeating() {
            if (beating != null) {
                beating.cancel(false);
            }
        }
    }
}
