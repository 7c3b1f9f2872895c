package dev.grocer.user;

import static dev.grocer.testing.RpcError.grocerInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.google.protobuf.Empty;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import com.google.rpc.ResourceInfo;

import dev.grocer.testing.GrpcInProcessTest;
import dev.grocer.testing.MutableClock;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
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
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceStub;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.client.inject.GrpcClient;

/** UserService through real stubs over the in-process transport, errors and their details included. */
@GrpcInProcessTest
class UserGrpcServiceTest {

    private static final Instant T0 = MutableClock.START;

    @GrpcClient("grocer")
    UserServiceBlockingStub users;

    @GrpcClient("grocer")
    UserServiceStub async;

    @Autowired
    UserRepository repository;

    @Autowired
    MutableClock clock;

    @Autowired
    ChatRoom chatRoom;

    @BeforeEach
    void emptyStore() {
        clock.set(T0);
        for (List<dev.grocer.user.User> page = repository.listAfter(null, 1000); !page.isEmpty();
                page = repository.listAfter(null, 1000)) {
            page.forEach(u -> repository.delete(u.id(), null));
        }
        assertThat(repository.count()).isZero();
    }

    private static CreateUserRequest createRequest(String name, String email) {
        return CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName(name).setEmail(email))
                .build();
    }

    private User create(String name, String email) {
        return users.createUser(createRequest(name, email));
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    @Nested
    class CreateUser {

        @Test
        void createUser_returnsTheStoredUserWithServerFields() {
            User created = create("  Ada Lovelace ", " ada@example.com ");

            assertThat(created.getId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(created.getEtag()).isNotEmpty();
            assertThat(created).isEqualTo(User.newBuilder()
                    .setId(created.getId())
                    .setDisplayName("Ada Lovelace")
                    .setEmail("ada@example.com")
                    .setCreateTime(ts(T0))
                    .setUpdateTime(ts(T0))
                    .setEtag(created.getEtag())
                    .build());
            assertThat(users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build())).isEqualTo(created);
        }

        @Test
        void createUser_rejectsEveryBadFieldAtOnceAndStoresNothing() {
            RpcError error = RpcError.of(() -> users.createUser(CreateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setDisplayName("   ").setEmail("not-an-email"))
                    .setRequestId("retry-1")
                    .build()));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(error.violatedFields()).containsExactly("user.display_name", "user.email", "request_id");
            assertThat(error.badRequest().getFieldViolations(1).getDescription())
                    .isEqualTo("must be an email address like name@example.com, was 'not-an-email'");
            assertThat(error.message()).startsWith("invalid request: user.display_name: must be 1 to 100 characters");
            assertThat(repository.count()).isZero();
        }

        @Test
        void createUser_rejectsTooLongDisplayNameAndControlCharacters() {
            RpcError tooLong = RpcError.of(() -> create("x".repeat(101), "long@example.com"));
            RpcError control = RpcError.of(() -> create("Ada\nLovelace", "ada@example.com"));

            assertThat(tooLong.badRequest().getFieldViolations(0).getDescription())
                    .isEqualTo("must be 1 to 100 characters after trimming, was 101");
            assertThat(control.violatedFields()).containsExactly("user.display_name");
            assertThat(create("x".repeat(100), "max@example.com").getDisplayName()).hasSize(100);
        }

        @Test
        void createUser_rejectsDuplicateEmailIgnoringCase() {
            create("Ada", "ada@example.com");

            RpcError error = RpcError.of(() -> create("Other Ada", "ADA@Example.COM"));

            assertThat(error.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("EMAIL_ALREADY_EXISTS", Map.of("email", "ADA@Example.COM")));
            assertThat(error.message()).isEqualTo(
                    "email 'ADA@Example.COM' is already used by another user; choose another email");
            assertThat(repository.count()).isEqualTo(1);
        }

        @Test
        void createUser_withSameRequestIdReturnsTheFirstUser() {
            String requestId = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";
            CreateUserRequest request = createRequest("Ada", "ada@example.com").toBuilder()
                    .setRequestId(requestId).build();

            User first = users.createUser(request);
            clock.advance(Duration.ofSeconds(5));
            User retried = users.createUser(request);

            assertThat(retried).isEqualTo(first);
            assertThat(repository.count()).isEqualTo(1);
        }
    }

    @Nested
    class GetUser {

        @Test
        void getUser_unknownIdIsNotFoundWithResourceInfo() {
            String id = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

            RpcError error = RpcError.of(() -> users.getUser(GetUserRequest.newBuilder().setId(id).build()));

            assertThat(error.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(error.message()).isEqualTo("user '" + id + "' does not exist");
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("USER_NOT_FOUND", Map.of("id", id)));
            assertThat(error.resourceInfo()).isEqualTo(ResourceInfo.newBuilder()
                    .setResourceType("grocer.user.v1.User").setResourceName(id)
                    .setDescription("user '" + id + "' does not exist").build());
        }

        @Test
        void getUser_emptyOrMalformedIdIsInvalidArgument() {
            RpcError empty = RpcError.of(() -> users.getUser(GetUserRequest.getDefaultInstance()));
            RpcError malformed = RpcError.of(() -> users.getUser(GetUserRequest.newBuilder().setId("42").build()));

            assertThat(empty.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(empty.violatedFields()).containsExactly("id");
            assertThat(empty.badRequest().getFieldViolations(0).getDescription()).isEqualTo("is required");
            assertThat(malformed.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(malformed.badRequest().getFieldViolations(0).getDescription())
                    .isEqualTo("must be a user id as returned by CreateUser (a lower-case UUID), was '42'");
        }
    }

    @Nested
    class UpdateUser {

        @Test
        void updateUser_changesOnlyTheMaskedFieldsAndTheEtag() {
            User created = create("Ada", "ada@example.com");
            Instant later = clock.advance(Duration.ofMinutes(3));

            User updated = users.updateUser(UpdateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setId(created.getId()).setDisplayName("Countess Ada")
                            .setEmail("ignored@example.com"))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                    .build());

            assertThat(updated.getEtag()).isNotEqualTo(created.getEtag());
            assertThat(updated).isEqualTo(created.toBuilder()
                    .setDisplayName("Countess Ada")
                    .setUpdateTime(ts(later))
                    .setEtag(updated.getEtag())
                    .build());
        }

        @Test
        void updateUser_withoutMaskReplacesAllMutableFields() {
            User created = create("Ada", "ada@example.com");

            User updated = users.updateUser(UpdateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setId(created.getId()).setDisplayName("Grace")
                            .setEmail("grace@example.com"))
                    .build());

            assertThat(updated.getDisplayName()).isEqualTo("Grace");
            assertThat(updated.getEmail()).isEqualTo("grace@example.com");
            // The old email is free again, the new one is taken.
            assertThat(create("Ada again", "ada@example.com").getEmail()).isEqualTo("ada@example.com");
            assertThat(RpcError.of(() -> create("Grace again", "GRACE@example.com")).code())
                    .isEqualTo(Status.Code.ALREADY_EXISTS);
        }

        @Test
        void updateUser_staleEtagIsAbortedAndChangesNothing() {
            User created = create("Ada", "ada@example.com");
            User current = users.updateUser(UpdateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setId(created.getId()).setDisplayName("Ada 2").setEtag(created.getEtag()))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                    .build());

            RpcError error = RpcError.of(() -> users.updateUser(UpdateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setId(created.getId()).setDisplayName("Ada 3").setEtag(created.getEtag()))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                    .build()));

            assertThat(error.code()).isEqualTo(Status.Code.ABORTED);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("ETAG_MISMATCH", Map.of("id", created.getId(),
                    "sent_etag", created.getEtag(), "current_etag", current.getEtag())));
            assertThat(users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build())).isEqualTo(current);
        }

        @Test
        void updateUser_unknownAndOutputOnlyMaskPathsAreInvalid() {
            User created = create("Ada", "ada@example.com");

            RpcError error = RpcError.of(() -> users.updateUser(UpdateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setId(created.getId()).setDisplayName("Ada 2"))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("display_name").addPaths("nickname").addPaths("etag"))
                    .build()));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.violatedFields()).containsExactly("update_mask.paths[1]", "update_mask.paths[2]");
            assertThat(error.badRequest().getFieldViolations(0).getDescription())
                    .isEqualTo("'nickname' is not a field of User; use display_name and/or email");
            assertThat(users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build())).isEqualTo(created);
        }

        @Test
        void updateUser_badValuesUnknownUserAndTakenEmail() {
            User ada = create("Ada", "ada@example.com");
            create("Grace", "grace@example.com");

            RpcError invalid = RpcError.of(() -> users.updateUser(UpdateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setId(ada.getId()).setEmail("nope"))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("email"))
                    .build()));
            RpcError unknown = RpcError.of(() -> users.updateUser(UpdateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setId("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d").setDisplayName("X"))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                    .build()));
            RpcError taken = RpcError.of(() -> users.updateUser(UpdateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setId(ada.getId()).setEmail("Grace@Example.com"))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("email"))
                    .build()));

            assertThat(invalid.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(invalid.violatedFields()).containsExactly("user.email");
            assertThat(unknown.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(taken.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(users.getUser(GetUserRequest.newBuilder().setId(ada.getId()).build())).isEqualTo(ada);
        }
    }

    @Nested
    class DeleteUser {

        @Test
        void deleteUser_removesTheUser() {
            User created = create("Ada", "ada@example.com");

            Empty reply = users.deleteUser(DeleteUserRequest.newBuilder().setId(created.getId())
                    .setEtag(created.getEtag()).build());

            assertThat(reply).isEqualTo(Empty.getDefaultInstance());
            assertThat(RpcError.of(() -> users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build()))
                    .code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(repository.count()).isZero();
        }

        @Test
        void deleteUser_unknownIsNotFoundAndStaleEtagIsAborted() {
            User created = create("Ada", "ada@example.com");
            String missing = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

            RpcError unknown = RpcError.of(() -> users.deleteUser(DeleteUserRequest.newBuilder().setId(missing).build()));
            RpcError stale = RpcError.of(() -> users.deleteUser(DeleteUserRequest.newBuilder()
                    .setId(created.getId()).setEtag("stale").build()));

            assertThat(unknown.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(unknown.errorInfo()).isEqualTo(grocerInfo("USER_NOT_FOUND", Map.of("id", missing)));
            assertThat(stale.code()).isEqualTo(Status.Code.ABORTED);
            assertThat(users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build())).isEqualTo(created);
        }
    }

    @Nested
    class ListUsers {

        private List<User> createFive() {
            List<User> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                created.add(create("User " + i, "user" + i + "@example.com"));
            }
            return created;
        }

        private static List<User> usersOf(Iterator<ListUsersResponse> stream) {
            List<User> out = new ArrayList<>();
            stream.forEachRemaining(r -> out.add(r.getUser()));
            return out;
        }

        @Test
        void listUsers_streamsAllInCreationOrder() {
            List<User> created = createFive();

            assertThat(usersOf(users.listUsers(ListUsersRequest.getDefaultInstance()))).isEqualTo(created);
        }

        @Test
        void listUsers_honoursLimitAndResumesAfterAPageToken() {
            List<User> created = createFive();

            List<ListUsersResponse> firstPage = new ArrayList<>();
            users.listUsers(ListUsersRequest.newBuilder().setLimit(3).build()).forEachRemaining(firstPage::add);
            List<User> rest = usersOf(users.listUsers(ListUsersRequest.newBuilder()
                    .setPageToken(firstPage.get(2).getPageToken()).build()));

            assertThat(firstPage).extracting(ListUsersResponse::getUser).isEqualTo(created.subList(0, 3));
            assertThat(rest).isEqualTo(created.subList(3, 5));
        }

        @Test
        void listUsers_rejectsNegativeLimitAndForeignPageTokens() {
            RpcError negative = RpcError.of(() -> users.listUsers(ListUsersRequest.newBuilder().setLimit(-1).build())
                    .hasNext());
            RpcError bogus = RpcError.of(() -> users.listUsers(ListUsersRequest.newBuilder()
                    .setPageToken("not-a-token").build()).hasNext());

            assertThat(negative.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(negative.violatedFields()).containsExactly("limit");
            assertThat(bogus.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(bogus.violatedFields()).containsExactly("page_token");
        }

        @Test
        void listUsers_sendsOnlyWhatTheClientAsksForAndStopsOnCancel() throws InterruptedException {
            List<User> created = createFive();
            RecordingObserver<ListUsersRequest, ListUsersResponse> reader = RecordingObserver.manualFlowControl(2);

            async.listUsers(ListUsersRequest.getDefaultInstance(), reader);

            await().until(() -> reader.values().size() == 2);
            // The server holds the rest back until the client asks for more.
            assertThat(reader.awaitNoMoreThan(2, Duration.ofMillis(200))).isTrue();
            assertThat(reader.isDone()).isFalse();
            reader.request(1);
            await().until(() -> reader.values().size() == 3);
            reader.cancel();

            assertThat(Status.fromThrowable(reader.awaitError()).getCode()).isEqualTo(Status.Code.CANCELLED);
            assertThat(reader.values()).extracting(ListUsersResponse::getUser).isEqualTo(created.subList(0, 3));
            assertThat(usersOf(users.listUsers(ListUsersRequest.getDefaultInstance()))).isEqualTo(created);
        }
    }

    @Nested
    class CreateUsers {

        @Test
        void createUsers_reportsEachEntryInOrderAndKeepsTheGoodOnes() {
            create("Existing", "taken@example.com");
            RecordingObserver<CreateUserRequest, CreateUsersResponse> reply = RecordingObserver.autoFlowControl();

            StreamObserver<CreateUserRequest> requests = async.createUsers(reply);
            requests.onNext(createRequest("Alice", "alice@example.com"));
            requests.onNext(createRequest("", "bad"));
            requests.onNext(createRequest("Taken", "TAKEN@example.com"));
            requests.onNext(createRequest("Bob", "bob@example.com"));
            requests.onCompleted();

            CreateUsersResponse response = reply.awaitSingle();
            List<CreateUserResult> results = response.getResultsList();
            assertThat(response.getCreatedCount()).isEqualTo(2);
            assertThat(results).hasSize(4);
            assertThat(results.get(0).getUser().getDisplayName()).isEqualTo("Alice");
            RpcError invalid = RpcError.of(results.get(1).getError());
            assertThat(invalid.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(invalid.violatedFields()).containsExactly("user.display_name", "user.email");
            RpcError duplicate = RpcError.of(results.get(2).getError());
            assertThat(duplicate.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(duplicate.errorInfo()).isEqualTo(
                    grocerInfo("EMAIL_ALREADY_EXISTS", Map.of("email", "TAKEN@example.com")));
            assertThat(results.get(3).getUser().getDisplayName()).isEqualTo("Bob");
            assertThat(users.getUser(GetUserRequest.newBuilder().setId(results.get(3).getUser().getId()).build()))
                    .isEqualTo(results.get(3).getUser());
            assertThat(repository.count()).isEqualTo(3);
        }

        @Test
        void createUsers_aBatchOverTheLimitIsResourceExhaustedAndCreatesNothing() {
            RecordingObserver<CreateUserRequest, CreateUsersResponse> reply = RecordingObserver.autoFlowControl();

            StreamObserver<CreateUserRequest> requests = async.createUsers(reply);
            for (int i = 0; i < 6; i++) { // the test limit is 5
                requests.onNext(createRequest("User " + i, "user" + i + "@example.com"));
            }
            requests.onCompleted();

            RpcError error = RpcError.of(reply.awaitError());
            assertThat(error.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("BATCH_TOO_LARGE", Map.of("max_batch_size", "5")));
            assertThat(repository.count()).isZero();
        }

        @Test
        void createUsers_anEmptyStreamCreatesNothing() {
            RecordingObserver<CreateUserRequest, CreateUsersResponse> reply = RecordingObserver.autoFlowControl();

            async.createUsers(reply).onCompleted();

            assertThat(reply.awaitSingle()).isEqualTo(CreateUsersResponse.getDefaultInstance());
        }
    }

    @Nested
    class ChatStream {

        private RecordingObserver<ChatStreamRequest, ChatStreamResponse> join() {
            return RecordingObserver.autoFlowControl();
        }

        private static ChatStreamRequest say(String sender, String text) {
            return ChatStreamRequest.newBuilder().setSender(sender).setText(text).build();
        }

        private static ChatStreamResponse heard(String sender, String text) {
            return ChatStreamResponse.newBuilder().setSender(sender).setText(text).setSendTime(ts(T0)).build();
        }

        @Test
        void chatStream_deliversEveryMessageToEveryParticipantUntilTheyLeave() {
            var ada = join();
            var bob = join();
            StreamObserver<ChatStreamRequest> adaSays = async.chatStream(ada);
            StreamObserver<ChatStreamRequest> bobSays = async.chatStream(bob);
            await().until(() -> chatRoom.size() == 2);

            adaSays.onNext(say("Ada", "hi Bob"));
            await().until(() -> bob.values().size() == 1);
            bobSays.onNext(say("Bob", "hi Ada"));
            await().until(() -> ada.values().size() == 2 && bob.values().size() == 2);
            adaSays.onCompleted();
            ada.awaitCompletion();
            await().until(() -> chatRoom.size() == 1);
            bobSays.onNext(say("Bob", "anyone?"));
            await().until(() -> bob.values().size() == 3);
            bobSays.onCompleted();
            bob.awaitCompletion();

            assertThat(ada.values()).containsExactly(heard("Ada", "hi Bob"), heard("Bob", "hi Ada"));
            assertThat(bob.values()).containsExactly(heard("Ada", "hi Bob"), heard("Bob", "hi Ada"),
                    heard("Bob", "anyone?"));
            assertThat(chatRoom.size()).isZero();
        }

        @Test
        void chatStream_aCancelledParticipantIsRemoved() {
            var ada = join();
            async.chatStream(ada);
            await().until(() -> chatRoom.size() == 1);

            ada.cancel();

            await().until(() -> chatRoom.size() == 0);
        }

        @Test
        void chatStream_aBadMessageEndsOnlyThatStreamWithInvalidArgument() {
            var ada = join();
            var bob = join();
            StreamObserver<ChatStreamRequest> adaSays = async.chatStream(ada);
            StreamObserver<ChatStreamRequest> bobSays = async.chatStream(bob);
            await().until(() -> chatRoom.size() == 2);

            adaSays.onNext(say("", "x".repeat(21))); // the test limit is 20 characters

            RpcError error = RpcError.of(ada.awaitError());
            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.violatedFields()).containsExactly("sender", "text");
            await().until(() -> chatRoom.size() == 1);
            bobSays.onNext(say("Bob", "still here"));
            await().until(() -> bob.values().size() == 1);
            bobSays.onCompleted();
            bob.awaitCompletion();
            assertThat(bob.values()).containsExactly(heard("Bob", "still here"));
        }

        @Test
        void chatStream_aSlowParticipantIsDisconnectedWithoutStallingTheOthers() {
            RecordingObserver<ChatStreamRequest, ChatStreamResponse> slow = RecordingObserver.manualFlowControl(0);
            var fast = join();
            async.chatStream(slow);
            StreamObserver<ChatStreamRequest> fastSays = async.chatStream(fast);
            await().until(() -> chatRoom.size() == 2);

            for (int i = 0; i < 10; i++) { // the test outbox holds 4; the fast reader keeps up with each
                fastSays.onNext(say("Fast", "message " + i));
                int expected = i + 1;
                await().until(() -> fast.values().size() == expected);
            }

            RpcError error = RpcError.of(slow.awaitError());
            assertThat(error.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(error.errorInfo()).isEqualTo(
                    grocerInfo("CHAT_PARTICIPANT_TOO_SLOW", Map.of("outbox_capacity", "4")));
            assertThat(fast.values()).extracting(ChatStreamResponse::getText)
                    .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "message " + i).toList());
            fastSays.onCompleted();
            fast.awaitCompletion();
            assertThat(chatRoom.size()).isZero();
        }

        @Test
        void chatStream_aFullRoomIsResourceExhausted() {
            List<RecordingObserver<ChatStreamRequest, ChatStreamResponse>> members = new ArrayList<>();
            List<StreamObserver<ChatStreamRequest>> senders = new ArrayList<>();
            for (int i = 0; i < 3; i++) { // the test room holds 3
                var member = join();
                members.add(member);
                senders.add(async.chatStream(member));
            }
            await().until(() -> chatRoom.size() == 3);

            var oneTooMany = join();
            async.chatStream(oneTooMany);

            RpcError error = RpcError.of(oneTooMany.awaitError());
            assertThat(error.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("CHAT_ROOM_FULL", Map.of("max_participants", "3")));
            senders.forEach(StreamObserver::onCompleted);
            members.forEach(RecordingObserver::awaitCompletion);
            assertThat(chatRoom.size()).isZero();
        }
    }

    @Nested
    class Concurrency {

        @Test
        void concurrentCreatesAndUpdatesThroughTheServiceLoseNothing() throws Exception {
            int threads = 8;
            int perThread = 50;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            ConcurrentLinkedQueue<User> created = new ConcurrentLinkedQueue<>();
            try {
                List<CompletableFuture<Void>> work = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    work.add(CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < perThread; i++) {
                            User user = create("T" + thread + " #" + i, "t" + thread + "-" + i + "@example.com");
                            users.updateUser(UpdateUserRequest.newBuilder()
                                    .setUser(user.toBuilder().setDisplayName("updated " + user.getDisplayName()))
                                    .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                                    .build());
                            created.add(user);
                        }
                    }, pool));
                }
                CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }

            List<User> listed = ListUsers.usersOf(users.listUsers(ListUsersRequest.getDefaultInstance()));
            assertThat(listed).hasSize(threads * perThread);
            assertThat(listed).extracting(User::getId).doesNotHaveDuplicates();
            assertThat(listed).allSatisfy(u -> assertThat(u.getDisplayName()).startsWith("updated T"));
            assertThat(created).hasSize(threads * perThread);
        }
    }
}
