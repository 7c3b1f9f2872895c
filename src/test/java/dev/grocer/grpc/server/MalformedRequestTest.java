package dev.grocer.grpc.server;

import static dev.grocer.testing.RpcError.grocerInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.grocer.testing.GrpcInProcessTest;
import dev.grocer.testing.RawCall;
import dev.grocer.testing.RpcError;
import dev.grocer.user.ChatRoom;
import dev.grocer.user.UserRepository;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import net.devh.boot.grpc.client.inject.GrpcClient;

/**
 * Request bytes that are not the protobuf a method expects: INVALID_ARGUMENT with reason
 * MALFORMED_REQUEST and one log line, never UNKNOWN with a stack trace; streams they arrive on end
 * cleanly and change nothing.
 */
@GrpcInProcessTest
@ExtendWith(OutputCaptureExtension.class)
class MalformedRequestTest {

    /** Field 0 does not exist: every protobuf parser rejects a zero tag. */
    static final byte[] NOT_PROTOBUF = {0x00, 0x01, 0x02, (byte) 0xff};
    /** Field 1 (a string) of length 2 holding 0xC3 0x28, which is not UTF-8. */
    static final byte[] INVALID_UTF8 = {0x0a, 0x02, (byte) 0xc3, 0x28};

    @GrpcClient("grocer")
    Channel channel;

    @GrpcClient("grocer")
    UserServiceBlockingStub users;

    @Autowired
    UserRepository userRepository;

    @Autowired
    ChatRoom chatRoom;

    private static RpcError errorOf(RawCall.Result result) {
        assertThat(result.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        com.google.rpc.Status rich = StatusProto.fromStatusAndTrailers(result.status(), result.trailers());
        assertThat(rich).as("google.rpc.Status in the trailers").isNotNull();
        return RpcError.of(rich);
    }

    @Test
    void bytesThatAreNotProtobuf_areInvalidArgumentWithOneLogLineAndNoStackTrace(CapturedOutput output) {
        RawCall.Result result = RawCall.call(channel, UserServiceGrpc.getGetUserMethod(), List.of(NOT_PROTOBUF),
                false);

        assertThat(errorOf(result)).isEqualTo(new RpcError(Status.Code.INVALID_ARGUMENT,
                "the request is not a valid protobuf encoding of grocer.user.v1.GetUserRequest;"
                        + " send the serialized message the method expects",
                grocerInfo("MALFORMED_REQUEST", Map.of("method", "grocer.user.v1.UserService/GetUser",
                        "message_type", "grocer.user.v1.GetUserRequest", "message_index", "0")),
                null, null));
        assertThat(result.responses()).isEmpty();
        assertThat(output.getOut()).contains(
                "Rejected a malformed request to grocer.user.v1.UserService/GetUser: "
                        + "Protocol message contained an invalid tag (zero).");
        assertThat(output.getAll()).doesNotContain("\tat ", "Exception", "Application error processing RPC");
    }

    @Test
    void aStringFieldThatIsNotUtf8_isInvalidArgument(CapturedOutput output) {
        RawCall.Result result = RawCall.call(channel, UserServiceGrpc.getGetUserMethod(), List.of(INVALID_UTF8),
                false);

        assertThat(errorOf(result)).isEqualTo(new RpcError(Status.Code.INVALID_ARGUMENT,
                "the request has a string field that is not valid UTF-8; send every string as UTF-8",
                grocerInfo("MALFORMED_REQUEST", Map.of("method", "grocer.user.v1.UserService/GetUser",
                        "message_type", "grocer.user.v1.GetUserRequest", "message_index", "0")),
                null, null));
        assertThat(output.getOut()).contains("Rejected a malformed request to grocer.user.v1.UserService/GetUser: "
                + "Protocol message had invalid UTF-8.");
        assertThat(output.getAll()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void aMalformedMessageInCreateUsers_endsTheStreamAndCreatesNothing() {
        long before = userRepository.count();
        byte[] valid = CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Ada").setEmail("malformed-batch@example.com"))
                .build().toByteArray();

        RawCall.Result result = RawCall.call(channel, UserServiceGrpc.getCreateUsersMethod(),
                List.of(valid, NOT_PROTOBUF, valid), false);

        assertThat(errorOf(result).errorInfo()).isEqualTo(grocerInfo("MALFORMED_REQUEST", Map.of(
                "method", "grocer.user.v1.UserService/CreateUsers",
                "message_type", "grocer.user.v1.CreateUserRequest", "message_index", "1")));
        assertThat(userRepository.count()).isEqualTo(before);
    }

    @Test
    void aMalformedChatMessage_endsThatParticipantOnly() {
        int before = chatRoom.size();
        byte[] hello = ChatStreamRequest.newBuilder().setSender("Ada").setText("hi").build().toByteArray();

        RawCall.Result result = RawCall.call(channel, UserServiceGrpc.getChatStreamMethod(),
                List.of(hello, INVALID_UTF8), false);

        assertThat(errorOf(result).errorInfo().getReason()).isEqualTo("MALFORMED_REQUEST");
        await().untilAsserted(() -> assertThat(chatRoom.size()).isEqualTo(before));
    }

    @Test
    void aUnaryCallWithoutARequestMessage_isInvalidArgument() {
        RawCall.Result result = RawCall.call(channel, UserServiceGrpc.getGetUserMethod(), List.of(), false);

        assertThat(errorOf(result)).isEqualTo(new RpcError(Status.Code.INVALID_ARGUMENT,
                "grocer.user.v1.UserService/GetUser takes exactly one request message; the call sent none",
                grocerInfo("MALFORMED_REQUEST", Map.of("method", "grocer.user.v1.UserService/GetUser",
                        "message_type", "grocer.user.v1.GetUserRequest")),
                null, null));
    }

    @Test
    void aUnaryCallWithTwoRequestMessages_isInvalidArgumentAndChangesNothing() {
        long before = userRepository.count();
        byte[] create = CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Ada").setEmail("twice@example.com")).build().toByteArray();

        RawCall.Result result = RawCall.call(channel, UserServiceGrpc.getCreateUserMethod(), List.of(create, create),
                false);

        assertThat(errorOf(result)).isEqualTo(new RpcError(Status.Code.INVALID_ARGUMENT,
                "grocer.user.v1.UserService/CreateUser takes exactly one request message; the call sent more than one",
                grocerInfo("MALFORMED_REQUEST", Map.of("method", "grocer.user.v1.UserService/CreateUser",
                        "message_type", "grocer.user.v1.CreateUserRequest", "message_index", "1")),
                null, null));
        assertThat(userRepository.count()).isEqualTo(before);
    }

    @Test
    void platformServicesParseInsideTheListenerToo() {
        RawCall.Result result = RawCall.call(channel, HealthGrpc.getCheckMethod(), List.of(NOT_PROTOBUF), false);

        assertThat(errorOf(result).errorInfo()).isEqualTo(grocerInfo("MALFORMED_REQUEST", Map.of(
                "method", "grpc.health.v1.Health/Check", "message_type", "grpc.health.v1.HealthCheckRequest",
                "message_index", "0")));
    }

    @Test
    void wellFormedRequestsStillWork_afterMalformedOnes() throws Exception {
        for (int i = 0; i < 20; i++) {
            RawCall.call(channel, UserServiceGrpc.getGetUserMethod(), List.of(NOT_PROTOBUF), false);
        }
        byte[] check = HealthCheckRequest.getDefaultInstance().toByteArray();
        RawCall.Result health = RawCall.call(channel, HealthGrpc.getCheckMethod(), List.of(check), false);

        assertThat(health.status().getCode()).isEqualTo(Status.Code.OK);
        assertThat(HealthCheckResponse.parseFrom(health.responses().get(0)).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        User ada = users.createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Ada").setEmail("after-garbage@example.com")).build());
        assertThat(users.getUser(GetUserRequest.newBuilder().setId(ada.getId()).build())).isEqualTo(ada);
    }
}
