package dev.grocer.user;

import java.util.Iterator;

import org.springframework.context.event.EventListener;

import com.google.protobuf.Empty;

import dev.grocer.common.DomainException;
import dev.grocer.grpc.GrpcErrors;
import dev.grocer.grpc.GrpcSubscriber;
import dev.grocer.grpc.StreamPump;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.ChatStreamResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.CreateUserResult;
import dev.grocer.user.v1.CreateUsersResponse;
import dev.grocer.user.v1.DeleteUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.ListUsersResponse;
import dev.grocer.user.v1.UpdateUserRequest;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;
import net.devh.boot.grpc.server.service.GrpcService;

/**
 * The gRPC edge of UserService: maps requests to {@link UserManagement} and {@link ChatRoom} and the
 * results back. Exceptions thrown here are mapped to statuses by {@link GrpcErrors}, through the
 * {@code @GrpcAdvice}; streaming callbacks that cannot throw use the same mapping.
 */
@GrpcService
class UserGrpcService extends UserServiceGrpc.UserServiceImplBase {

    private final UserManagement users;
    private final ChatRoom chatRoom;
    private final ChatProperties chatProperties;

    UserGrpcService(UserManagement users, ChatRoom chatRoom, ChatProperties chatProperties) {
        this.users = users;
        this.chatRoom = chatRoom;
        this.chatProperties = chatProperties;
    }

    @Override
    public void createUser(CreateUserRequest request, StreamObserver<dev.grocer.user.v1.User> response) {
        User created = users.create(UserMapper.toNewUser(request.getUser()), request.getRequestId());
        response.onNext(UserMapper.toProto(created));
        response.onCompleted();
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<dev.grocer.user.v1.User> response) {
        response.onNext(UserMapper.toProto(users.get(request.getId())));
        response.onCompleted();
    }

    @Override
    public void updateUser(UpdateUserRequest request, StreamObserver<dev.grocer.user.v1.User> response) {
        User updated = users.update(request.getUser().getId(), UserMapper.toChanges(request),
                request.getUser().getEtag());
        response.onNext(UserMapper.toProto(updated));
        response.onCompleted();
    }

    @Override
    public void deleteUser(DeleteUserRequest request, StreamObserver<Empty> response) {
        users.delete(request.getId(), request.getEtag());
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> response) {
        Iterator<User> source = users.list(request.getLimit(), request.getPageToken());
        StreamPump.start(response, new Iterator<ListUsersResponse>() {
            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public ListUsersResponse next() {
                User user = source.next();
                return ListUsersResponse.newBuilder()
                        .setUser(UserMapper.toProto(user))
                        .setPageToken(UserManagement.pageTokenAfter(user))
                        .build();
            }
        });
    }

    @Override
    public StreamObserver<CreateUserRequest> createUsers(StreamObserver<CreateUsersResponse> response) {
        return new CreateUsersCall(users.openBatch(), response);
    }

    @Override
    public StreamObserver<ChatStreamRequest> chatStream(StreamObserver<ChatStreamResponse> response) {
        GrpcSubscriber<ChatMessage, ChatStreamResponse> participant =
                new GrpcSubscriber<>(response, chatProperties.outboxCapacity(), UserMapper::toProto);
        participant.onCancel(() -> chatRoom.leave(participant));
        chatRoom.join(participant);
        return new ChatStreamCall(chatRoom, participant);
    }

    /** Ends open chat streams when the server begins to shut down, instead of holding it up. */
    @EventListener(GrpcServerShutdownEvent.class)
    void onServerShutdown() {
        chatRoom.closeAll(DomainException.unavailable("SERVER_SHUTTING_DOWN",
                "the server is shutting down; reconnect to continue chatting"));
    }

    /**
     * One CreateUsers stream: each request goes into the stream's batch (whose rules live in
     * {@link UserManagement.Batch}); when the client completes, the batch is created and every entry's result
     * answered in order. A batch that fails (too large) answers the error once and ignores the rest.
     */
    private static final class CreateUsersCall implements StreamObserver<CreateUserRequest> {

        private final UserManagement.Batch batch;
        private final StreamObserver<CreateUsersResponse> response;
        private boolean failed;

        CreateUsersCall(UserManagement.Batch batch, StreamObserver<CreateUsersResponse> response) {
            this.batch = batch;
            this.response = response;
        }

        @Override
        public void onNext(CreateUserRequest request) {
            if (failed) {
                return;
            }
            try {
                batch.add(UserMapper.toNewUser(request.getUser()), request.getRequestId());
            } catch (DomainException e) {
                failed = true;
                response.onError(GrpcErrors.toStatusRuntimeException(e));
            }
        }

        @Override
        public void onError(Throwable t) {
            batch.discard();
        }

        @Override
        public void onCompleted() {
            if (failed) {
                return;
            }
            CreateUsersResponse.Builder reply = CreateUsersResponse.newBuilder();
            // A batch the store cannot take whole throws STORE_FULL here, which the advice maps.
            for (UserRepository.Outcome outcome : batch.create()) {
                if (outcome.error() == null) {
                    reply.addResults(CreateUserResult.newBuilder().setUser(UserMapper.toProto(outcome.user())));
                    reply.setCreatedCount(reply.getCreatedCount() + 1);
                } else {
                    reply.addResults(CreateUserResult.newBuilder().setError(GrpcErrors.toStatus(outcome.error())));
                }
            }
            response.onNext(reply.build());
            response.onCompleted();
        }
    }

    /**
     * One participant's ChatStream: what the participant says is published to the room (whose rules live in
     * {@link ChatRoom}); a message the room refuses ends the participant's stream with the error, and the
     * participant leaves the room when either side ends the stream.
     */
    private static final class ChatStreamCall implements StreamObserver<ChatStreamRequest> {

        private final ChatRoom chatRoom;
        private final GrpcSubscriber<ChatMessage, ChatStreamResponse> participant;

        ChatStreamCall(ChatRoom chatRoom, GrpcSubscriber<ChatMessage, ChatStreamResponse> participant) {
            this.chatRoom = chatRoom;
            this.participant = participant;
        }

        @Override
        public void onNext(ChatStreamRequest request) {
            if (participant.isClosed()) {
                return;
            }
            try {
                chatRoom.publish(request.getSender(), request.getText());
            } catch (DomainException e) {
                chatRoom.leave(participant);
                participant.close(e);
            } catch (RuntimeException e) {
                // The store could not take the message: the advice ends the call (STORE_UNAVAILABLE), and a
                // participant whose call has ended must not stay in the room.
                chatRoom.leave(participant);
                throw e;
            }
        }

        @Override
        public void onError(Throwable t) {
            chatRoom.leave(participant);
        }

        @Override
        public void onCompleted() {
            chatRoom.leave(participant);
            participant.close(null);
        }
    }
}
