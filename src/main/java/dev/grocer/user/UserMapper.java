package dev.grocer.user;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.Timestamp;

import dev.grocer.common.DomainException;
import dev.grocer.common.FieldViolation;
import dev.grocer.grpc.ProtoTime;
import dev.grocer.user.v1.ChatStreamResponse;
import dev.grocer.user.v1.UpdateUserRequest;

/** Translates between {@code grocer.user.v1} messages and the user domain. */
final class UserMapper {

    private UserMapper() {}

    static dev.grocer.user.v1.User toProto(User user) {
        Timestamp created = ProtoTime.of(user.createTime());
        // A user never updated has one time for both (a streamed ListUsers maps every user: one build less).
        Timestamp updated = user.updateTime().equals(user.createTime()) ? created : ProtoTime.of(user.updateTime());
        return dev.grocer.user.v1.User.newBuilder()
                .setId(user.id())
                .setDisplayName(user.displayName())
                .setEmail(user.email())
                .setCreateTime(created)
                .setUpdateTime(updated)
                .setEtag(user.etag())
                .build();
    }

    static NewUser toNewUser(dev.grocer.user.v1.User user) {
        return new NewUser(user.getDisplayName(), user.getEmail());
    }

    /**
     * The changes an UpdateUserRequest asks for (AIP-134): the fields its update_mask names, or every
     * mutable field when the mask is absent, empty or {@code *}.
     *
     * @throws DomainException INVALID_ARGUMENT naming each path that is unknown or not updatable
     */
    static UserChanges toChanges(UpdateUserRequest request) {
        dev.grocer.user.v1.User user = request.getUser();
        List<String> paths = request.getUpdateMask().getPathsList();
        if (paths.isEmpty() || paths.equals(List.of("*"))) {
            return new UserChanges(user.getDisplayName(), user.getEmail());
        }
        String displayName = null;
        String email = null;
        List<FieldViolation> violations = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            switch (paths.get(i)) {
                case "display_name" -> displayName = user.getDisplayName();
                case "email" -> email = user.getEmail();
                case "id", "create_time", "update_time", "etag" -> violations.add(new FieldViolation(
                        "update_mask.paths[" + i + "]", "'" + paths.get(i) + "' is output only and cannot be updated"));
                default -> violations.add(new FieldViolation("update_mask.paths[" + i + "]",
                        "'" + paths.get(i) + "' is not a field of User; use display_name and/or email"));
            }
        }
        if (!violations.isEmpty()) {
            throw DomainException.invalidArgument(violations);
        }
        return new UserChanges(displayName, email);
    }

    static ChatStreamResponse toProto(ChatMessage message) {
        return ChatStreamResponse.newBuilder()
                .setSender(message.sender())
                .setText(message.text())
                .setSendTime(ProtoTime.of(message.sendTime()))
                .build();
    }
}
