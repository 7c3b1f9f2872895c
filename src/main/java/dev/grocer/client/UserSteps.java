package dev.grocer.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.google.protobuf.FieldMask;

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
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** The demo's UserService steps: CreateUser to DeleteUser, the two streams, and the chat room. */
final class UserSteps {

    private final GrocerStubs stubs;
    private final DemoScript script;

    UserSteps(GrocerStubs stubs, DemoScript script) {
        this.stubs = stubs;
        this.script = script;
    }

    /** Creates, reads, renames, lists, batch-creates and deletes users; returns two that stay, for the steps after. */
    List<User> users() {
        script.section("UserService");
        List<User> people = new ArrayList<>();
        for (String name : List.of("Ada Lovelace", "Grace Hopper", "Linus Torvalds")) {
            User user = stubs.users().createUser(CreateUserRequest.newBuilder().setUser(User.newBuilder()
                    .setDisplayName(name).setEmail(script.email(name))).build());
            script.step("UserService/CreateUser", "created " + user.getDisplayName() + " <" + user.getEmail() + "> id "
                    + user.getId());
            people.add(user);
        }
        script.expectError("UserService/CreateUser with an invalid email", Status.Code.INVALID_ARGUMENT,
                () -> stubs.users().createUser(CreateUserRequest.newBuilder().setUser(User.newBuilder()
                        .setDisplayName("Nobody").setEmail("not-an-email")).build()));

        User ada = people.get(0);
        User got = stubs.users().getUser(GetUserRequest.newBuilder().setId(ada.getId()).build());
        DemoScript.check(got.equals(ada), "GetUser returned a different user than CreateUser");
        script.step("UserService/GetUser", "got " + got.getDisplayName() + " (etag " + got.getEtag() + ")");

        User renamed = stubs.users().updateUser(UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setId(ada.getId()).setDisplayName("Countess Ada").setEtag(ada.getEtag()))
                .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                .build());
        DemoScript.check(renamed.getDisplayName().equals("Countess Ada"), "UpdateUser did not rename");
        script.step("UserService/UpdateUser", "update_mask [display_name]: now " + renamed.getDisplayName()
                + ", etag " + ada.getEtag() + " -> " + renamed.getEtag());
        people.set(0, renamed);
        script.expectError("UserService/UpdateUser with the old etag", Status.Code.ABORTED,
                () -> stubs.users().updateUser(UpdateUserRequest.newBuilder()
                        .setUser(User.newBuilder().setId(ada.getId()).setDisplayName("Ada again").setEtag(ada.getEtag()))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                        .build()));

        Iterator<ListUsersResponse> listed = stubs.users().listUsers(ListUsersRequest.newBuilder().setLimit(2).build());
        int count = 0;
        while (listed.hasNext()) {
            script.step("UserService/ListUsers", "limit 2, streamed " + listed.next().getUser().getDisplayName());
            count++;
        }
        DemoScript.check(count == 2, "ListUsers with limit 2 streamed " + count + " users");

        CreateUsersResponse batch = createUsers(List.of(
                CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("Margaret Hamilton")
                        .setEmail(script.email("Margaret Hamilton"))).build(),
                CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("")
                        .setEmail("broken")).build(),
                CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("Barbara Liskov")
                        .setEmail(script.email("Barbara Liskov"))).build()));
        script.step("UserService/CreateUsers", "streamed 3 requests, " + batch.getCreatedCount() + " created:");
        for (CreateUserResult result : batch.getResultsList()) {
            if (result.hasUser()) {
                script.detail("created " + result.getUser().getDisplayName());
            } else {
                script.detail("rejected: " + Status.fromCodeValue(result.getError().getCode()).getCode() + ": "
                        + result.getError().getMessage());
            }
        }
        DemoScript.check(batch.getCreatedCount() == 2 && batch.getResults(1).hasError(), "CreateUsers did not report 2 + 1");

        User linus = people.get(2);
        stubs.users().deleteUser(DeleteUserRequest.newBuilder().setId(linus.getId()).build());
        script.step("UserService/DeleteUser", "deleted " + linus.getDisplayName());
        script.expectError("UserService/GetUser of the deleted user", Status.Code.NOT_FOUND,
                () -> stubs.users().getUser(GetUserRequest.newBuilder().setId(linus.getId()).build()));
        return people.subList(0, 2);
    }

    private CreateUsersResponse createUsers(List<CreateUserRequest> requests) {
        StreamCollector<CreateUsersResponse> reply = new StreamCollector<>();
        StreamObserver<CreateUserRequest> stream = stubs.usersAsync().createUsers(reply);
        requests.forEach(stream::onNext);
        stream.onCompleted();
        return reply.awaitSingle("CreateUsers");
    }

    // --- ChatStream ---------------------------------------------------------------------------------------

    /** Two participants in the chat room, each on a stream of its own. */
    void chat(User ada, User grace) {
        script.section("UserService/ChatStream");
        String adaName = ada.getDisplayName();
        String graceName = grace.getDisplayName();
        StreamCollector<ChatStreamResponse> adaHears = new StreamCollector<>();
        StreamCollector<ChatStreamResponse> graceHears = new StreamCollector<>();
        StreamObserver<ChatStreamRequest> adaSays = stubs.usersAsync().chatStream(adaHears);
        StreamObserver<ChatStreamRequest> graceSays = stubs.usersAsync().chatStream(graceHears);
        // Each says hello first: hearing one's own hello proves one is in the room before the talk begins.
        adaSays.onNext(say(adaName, "hello, I'm here"));
        adaHears.awaitMessage(m -> m.getSender().equals(adaName), "Ada's own hello");
        graceSays.onNext(say(graceName, "hello, me too"));
        graceHears.awaitMessage(m -> m.getSender().equals(graceName), "Grace's own hello");
        adaSays.onNext(say(adaName, "Grace, shall we ship it?"));
        graceHears.awaitMessage(m -> m.getText().equals("Grace, shall we ship it?"), "Ada's question");
        graceSays.onNext(say(graceName, "Ship it, Ada."));
        adaHears.awaitMessage(m -> m.getText().equals("Ship it, Ada."), "Grace's answer");
        adaSays.onCompleted();
        graceSays.onCompleted();
        adaHears.awaitEnd("Ada's chat stream");
        graceHears.awaitEnd("Grace's chat stream");
        for (ChatStreamResponse heard : adaHears.messages()) {
            script.step("UserService/ChatStream", adaName + " heard " + heard.getSender() + ": " + heard.getText());
        }
        script.step("UserService/ChatStream", graceName + " heard " + graceHears.messages().size()
                + " messages; both left the room");
    }

    private static ChatStreamRequest say(String sender, String text) {
        return ChatStreamRequest.newBuilder().setSender(sender).setText(text).build();
    }
}
