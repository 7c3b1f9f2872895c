package dev.grocer.bench;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.Timestamp;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.CreateUserResult;
import dev.grocer.user.v1.CreateUsersResponse;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.ListUsersResponse;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The benchmark's baseline: the same GreeterService.SayHello and UserService GetUser, ListUsers and
 * CreateUsers contract on plain grpc-java (a {@code ServerBuilder}, no Spring, no interceptors, no
 * validation beyond what the answers need), over the same kind of in-memory store.
 * Run as {@code BareServer PORT [direct]}: with {@code direct} its methods run on the event loop (like
 * grocer's {@code grocer.grpc.direct-executor}), otherwise on grpc-java's default thread pool. It prints
 * nothing and serves until killed.
 */
public final class BareServer {

    private BareServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        HealthStatusManager health = new HealthStatusManager();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", port));
        if (args.length > 1 && args[1].equals("direct")) {
            builder.directExecutor();
        }
        Server server = builder
                .addService(new Greeter())
                .addService(new Users())
                .addService(health.getHealthService())
                .build()
                .start();
        health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        server.awaitTermination();
    }

    static final class Greeter extends GreeterServiceGrpc.GreeterServiceImplBase {
        @Override
        public void sayHello(SayHelloRequest request, StreamObserver<SayHelloResponse> response) {
            response.onNext(SayHelloResponse.newBuilder().setMessage("Hello, " + request.getName() + "!").build());
            response.onCompleted();
        }
    }

    static final class Users extends UserServiceGrpc.UserServiceImplBase {
        private final ConcurrentSkipListMap<String, User> users = new ConcurrentSkipListMap<>();
        private final Map<String, String> emails = new ConcurrentHashMap<>();
        private final AtomicLong etags = new AtomicLong();

        @Override
        public void getUser(GetUserRequest request, StreamObserver<User> response) {
            User user = users.get(request.getId());
            if (user == null) {
                response.onError(Status.NOT_FOUND.withDescription("no user " + request.getId()).asRuntimeException());
                return;
            }
            response.onNext(user);
            response.onCompleted();
        }

        @Override
        public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> responseObserver) {
            ServerCallStreamObserver<ListUsersResponse> response = (ServerCallStreamObserver<ListUsersResponse>) responseObserver;
            Iterator<User> source = users.values().iterator();
            // The usual grpc-java flow-control loop: write while ready, resume on onReady.
            Runnable pump = new Runnable() {
                private boolean done;

                @Override
                public void run() {
                    while (!done && response.isReady()) {
                        if (!source.hasNext()) {
                            done = true;
                            response.onCompleted();
                            return;
                        }
                        User user = source.next();
                        response.onNext(ListUsersResponse.newBuilder().setUser(user).setPageToken(user.getId()).build());
                    }
                }
            };
            response.setOnReadyHandler(pump);
            response.setOnCancelHandler(() -> { });
            pump.run();
        }

        @Override
        public StreamObserver<CreateUserRequest> createUsers(StreamObserver<CreateUsersResponse> response) {
            return new StreamObserver<>() {
                private final CreateUsersResponse.Builder reply = CreateUsersResponse.newBuilder();

                @Override
                public void onNext(CreateUserRequest request) {
                    String key = request.getUser().getEmail().toLowerCase();
                    Instant now = Instant.now();
                    Timestamp ts = Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
                    User user = request.getUser().toBuilder().setId(UUID.randomUUID().toString())
                            .setCreateTime(ts).setUpdateTime(ts).setEtag(Long.toString(etags.incrementAndGet(), 36))
                            .build();
                    if (emails.putIfAbsent(key, user.getId()) != null) {
                        reply.addResults(CreateUserResult.newBuilder().setError(com.google.rpc.Status.newBuilder()
                                .setCode(Status.Code.ALREADY_EXISTS.value()).setMessage("email taken")));
                        return;
                    }
                    users.put(user.getId(), user);
                    reply.addResults(CreateUserResult.newBuilder().setUser(user));
                    reply.setCreatedCount(reply.getCreatedCount() + 1);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    response.onNext(reply.build());
                    response.onCompleted();
                }
            };
        }
    }
}
