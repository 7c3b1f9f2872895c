package dev.grocer.greeter;

import dev.grocer.common.PageRequest.Page;
import dev.grocer.grpc.ProtoTime;
import dev.grocer.greeter.v1.ListItemsResponse;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;

/** Translates between {@code grocer.greeter.v1} messages and the greeter domain. */
final class GreeterMapper {

    private GreeterMapper() {}

    /** The request's name, or {@code null} when its recipient is not a name (an empty name is a name). */
    static String nameOf(SayHelloRequest request) {
        return request.hasName() ? request.getName() : null;
    }

    /** The request's user id, or {@code null} when its recipient is not a user id. */
    static String userIdOf(SayHelloRequest request) {
        return request.hasUserId() ? request.getUserId() : null;
    }

    static SayHelloResponse toSayHelloResponse(String message) {
        return SayHelloResponse.newBuilder().setMessage(message).build();
    }

    static NewItem toNewItem(dev.grocer.greeter.v1.Item item) {
        return new NewItem(item.getName(), item.getQuantity());
    }

    static dev.grocer.greeter.v1.Item toProto(Item item) {
        return dev.grocer.greeter.v1.Item.newBuilder()
                .setId(item.id())
                .setName(item.name())
                .setQuantity(item.quantity())
                .setCreateTime(ProtoTime.of(item.createTime()))
                .setUpdateTime(ProtoTime.of(item.updateTime()))
                .setEtag(item.etag())
                .build();
    }

    static ListItemsResponse toProto(Page<Item> page) {
        ListItemsResponse.Builder response = ListItemsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(item -> response.addItems(toProto(item)));
        return response.build();
    }
}
