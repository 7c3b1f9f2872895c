package dev.grocer.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.grocer.testing.GrpcInProcessTest;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.CreateUsersResponse;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceStub;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.client.inject.GrpcClient;

/**
 * How large a CreateUsers response can get per request, with every field at its longest: the basis of
 * the 10,000 cap on {@code grocer.users.max-batch-size} and of the note on the 4 MB message in docs/api.md
 * limit of clients.
 */
@GrpcInProcessTest
class CreateUsersResponseSizeTest {

    /** The most bytes one result may take; docs/api.md quotes it. */
    static final int MAX_BYTES_PER_RESULT = 1024;
    static final int CLIENT_MAX_INBOUND_MESSAGE = 4 * 1024 * 1024;

    @GrpcClient("grocer")
    UserServiceStub async;

    @Autowired
    UserProperties properties;

    /** An address of the longest valid length (254) whose first letter varies. */
    private static String longestEmail(char first) {
        String domain = "b".repeat(61) + "." + "b".repeat(61) + "." + "b".repeat(61) + ".ccc";
        return first + "a".repeat(63) + "@" + domain;
    }

    @Test
    void aResultTakesAtMost1KB_soTheDefaultBatchFitsIntoAClientsMessageLimit() {
        String longestName = "\uD83D\uDE00".repeat(100); // 100 characters of 4 bytes each in UTF-8
        List<CreateUserRequest> worst = List.of(
                request(longestName, longestEmail('x')),
                request(longestName, longestEmail('y')),
                request(longestName, longestEmail('z')),
                request(longestName + "!", "!" + longestEmail('q').substring(1).replace('@', '#')), // both invalid
                request(longestName, longestEmail('x'))); // taken: ALREADY_EXISTS with the email
        RecordingObserver<CreateUserRequest, CreateUsersResponse> reply = RecordingObserver.autoFlowControl();
        StreamObserver<CreateUserRequest> requests = async.createUsers(reply);
        worst.forEach(requests::onNext);
        requests.onCompleted();

        CreateUsersResponse response = reply.awaitSingle();

        assertThat(response.getCreatedCount()).isEqualTo(3);
        assertThat(response.getResultsList()).allSatisfy(result ->
                assertThat(result.getSerializedSize()).isLessThanOrEqualTo(MAX_BYTES_PER_RESULT));
        assertThat((long) properties.maxBatchSize() * MAX_BYTES_PER_RESULT).isLessThan(CLIENT_MAX_INBOUND_MESSAGE);
        assertThat(1000L * MAX_BYTES_PER_RESULT).as("the default batch").isLessThan(CLIENT_MAX_INBOUND_MESSAGE);
    }

    private static CreateUserRequest request(String name, String email) {
        return CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName(name).setEmail(email))
                .setRequestId(java.util.UUID.randomUUID().toString())
                .build();
    }
}
