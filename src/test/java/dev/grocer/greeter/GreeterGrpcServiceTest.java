package dev.grocer.greeter;

import static dev.grocer.testing.RpcError.grocerInfo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.ResourceInfo;

import dev.grocer.common.PageTokens;
import dev.grocer.greeter.v1.AddItemRequest;
import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.GreeterServiceGrpc.GreeterServiceBlockingStub;
import dev.grocer.greeter.v1.Item;
import dev.grocer.greeter.v1.ListItemsRequest;
import dev.grocer.greeter.v1.ListItemsResponse;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import dev.grocer.testing.GrpcInProcessTest;
import dev.grocer.testing.MutableClock;
import dev.grocer.testing.RpcError;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.ListUsersResponse;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.grpc.Status;
import net.devh.boot.grpc.client.inject.GrpcClient;

/**
 * GreeterService through real stubs over the in-process transport, errors and their details included.
 * The context, and so the item store, is shared with other test classes: tests never assume an empty
 * store and only make claims about the items they add.
 */
@GrpcInProcessTest
class GreeterGrpcServiceTest {

    private static final Instant T0 = MutableClock.START;
    private static final String UNKNOWN_ID = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

    @GrpcClient("grocer")
    GreeterServiceBlockingStub greeter;

    @GrpcClient("grocer")
    UserServiceBlockingStub users;

    @Autowired
    ItemRepository repository;

    @Autowired
    MutableClock clock;

    @BeforeEach
    void resetClock() {
        clock.set(T0);
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static AddItemRequest addRequest(String name, int quantity) {
        return AddItemRequest.newBuilder().setItem(Item.newBuilder().setName(name).setQuantity(quantity)).build();
    }

    private Item add(String name, int quantity) {
        return greeter.addItem(addRequest(name, quantity));
    }

    private Item get(String id) {
        return greeter.getItem(GetItemRequest.newBuilder().setId(id).build());
    }

    private static BadRequest badRequest(String... fieldsAndDescriptions) {
        BadRequest.Builder badRequest = BadRequest.newBuilder();
        for (int i = 0; i < fieldsAndDescriptions.length; i += 2) {
            badRequest.addFieldViolationsBuilder()
                    .setField(fieldsAndDescriptions[i])
                    .setDescription(fieldsAndDescriptions[i + 1]);
        }
        return badRequest.build();
    }

    @Nested
    class SayHello {

        private String sayHelloTo(String name) {
            return greeter.sayHello(SayHelloRequest.newBuilder().setName(name).build()).getMessage();
        }

        @Test
        void sayHello_greetsTheTrimmedName() {
            SayHelloResponse reply = greeter.sayHello(SayHelloRequest.newBuilder().setName("  Ada Lovelace ").build());

            assertThat(reply).isEqualTo(SayHelloResponse.newBuilder().setMessage("Hello, Ada Lovelace!").build());
        }

        @Test
        void sayHello_acceptsAHundredCharactersCountedAsCodePoints() {
            String hundredEmoji = "\uD83D\uDE00".repeat(100); // 100 code points, 200 UTF-16 chars

            assertThat(sayHelloTo("x".repeat(100))).isEqualTo("Hello, " + "x".repeat(100) + "!");
            assertThat(sayHelloTo(hundredEmoji)).isEqualTo("Hello, " + hundredEmoji + "!");
        }

        @Test
        void sayHello_rejectsAnEmptyOrBlankName() {
            RpcError empty = RpcError.of(() -> sayHelloTo(""));
            RpcError blank = RpcError.of(() -> sayHelloTo(" \t "));

            assertThat(empty.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(empty.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(empty.badRequest())
                    .isEqualTo(badRequest("name", "must be 1 to 100 characters after trimming, was 0"));
            assertThat(empty.message())
                    .isEqualTo("invalid request: name: must be 1 to 100 characters after trimming, was 0");
            assertThat(blank.badRequest()).isEqualTo(empty.badRequest());
        }

        @Test
        void sayHello_rejectsANameLongerThanAHundredCharacters() {
            RpcError error = RpcError.of(() -> sayHelloTo("x".repeat(101)));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.badRequest())
                    .isEqualTo(badRequest("name", "must be 1 to 100 characters after trimming, was 101"));
        }

        @Test
        void sayHello_rejectsControlCharactersInTheName() {
            RpcError error = RpcError.of(() -> sayHelloTo("Ada\nLovelace"));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.badRequest()).isEqualTo(
                    badRequest("name", "must not contain control characters (tabs, line breaks, ...)"));
        }

        @Test
        void sayHello_withUserIdGreetsTheUserByDisplayName() {
            User user = users.createUser(CreateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setDisplayName(" Grace Hopper ")
                            .setEmail("grace-" + UUID.randomUUID() + "@example.com"))
                    .build());

            SayHelloResponse reply = greeter.sayHello(SayHelloRequest.newBuilder().setUserId(user.getId()).build());

            assertThat(reply).isEqualTo(SayHelloResponse.newBuilder().setMessage("Hello, Grace Hopper!").build());
        }

        @Test
        void sayHello_unknownUserIdIsNotFound() {
            RpcError error = RpcError.of(
                    () -> greeter.sayHello(SayHelloRequest.newBuilder().setUserId(UNKNOWN_ID).build()));

            assertThat(error.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(error.message()).isEqualTo("user '" + UNKNOWN_ID + "' does not exist");
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("USER_NOT_FOUND", Map.of("id", UNKNOWN_ID)));
            assertThat(error.resourceInfo()).isEqualTo(ResourceInfo.newBuilder()
                    .setResourceType("grocer.user.v1.User").setResourceName(UNKNOWN_ID)
                    .setDescription("user '" + UNKNOWN_ID + "' does not exist").build());
            assertThat(error.badRequest()).isNull();
        }

        @Test
        void sayHello_emptyOrMalformedUserIdIsInvalidArgumentOnUserId() {
            RpcError empty = RpcError.of(() -> greeter.sayHello(SayHelloRequest.newBuilder().setUserId("").build()));
            RpcError malformed = RpcError.of(
                    () -> greeter.sayHello(SayHelloRequest.newBuilder().setUserId("42").build()));

            assertThat(empty.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(empty.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(empty.badRequest()).isEqualTo(badRequest("user_id", "is required"));
            assertThat(malformed.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(malformed.badRequest()).isEqualTo(badRequest("user_id",
                    "must be a user id as returned by CreateUser (a lower-case UUID), was '42'"));
        }

        @Test
        void sayHello_withoutRecipientIsInvalidArgumentOnName() {
            RpcError error = RpcError.of(() -> greeter.sayHello(SayHelloRequest.getDefaultInstance()));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.message()).isEqualTo("invalid request: name: set name or user_id");
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(error.badRequest()).isEqualTo(badRequest("name", "set name or user_id"));
            assertThat(error.resourceInfo()).isNull();
        }
    }

    @Nested
    class AddItem {

        @Test
        void addItem_returnsTheStoredItemWithServerFields() {
            Item added = add("  Apples ", 6);

            assertThat(added.getId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(added.getEtag()).isNotEmpty();
            assertThat(added).isEqualTo(Item.newBuilder()
                    .setId(added.getId())
                    .setName("Apples")
                    .setQuantity(6)
                    .setCreateTime(ts(T0))
                    .setUpdateTime(ts(T0))
                    .setEtag(added.getEtag())
                    .build());
            assertThat(get(added.getId())).isEqualTo(added);
        }

        @Test
        void addItem_ignoresOutputOnlyFieldsSentByTheClient() {
            Item added = greeter.addItem(AddItemRequest.newBuilder()
                    .setItem(Item.newBuilder().setId(UNKNOWN_ID).setName("Pears").setQuantity(2)
                            .setCreateTime(ts(Instant.EPOCH)).setUpdateTime(ts(Instant.EPOCH)).setEtag("mine"))
                    .build());

            assertThat(added.getId()).isNotEqualTo(UNKNOWN_ID);
            assertThat(added).isEqualTo(Item.newBuilder()
                    .setId(added.getId())
                    .setName("Pears")
                    .setQuantity(2)
                    .setCreateTime(ts(T0))
                    .setUpdateTime(ts(T0))
                    .setEtag(added.getEtag())
                    .build());
            assertThat(added.getEtag()).isNotEqualTo("mine");
        }

        @Test
        void addItem_acceptsTheQuantityAndNameLimits() {
            assertThat(add("x".repeat(100), 1).getName()).isEqualTo("x".repeat(100));
            assertThat(add("Rice grains", 1_000_000).getQuantity()).isEqualTo(1_000_000);
        }

        @Test
        void addItem_rejectsZeroQuantity() {
            long before = repository.count();

            RpcError error = RpcError.of(() -> add("Apples", 0));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(error.badRequest()).isEqualTo(badRequest("item.quantity", "must be 1 to 1000000, was 0"));
            assertThat(error.message()).isEqualTo("invalid request: item.quantity: must be 1 to 1000000, was 0");
            assertThat(repository.count()).isEqualTo(before);
        }

        @Test
        void addItem_rejectsNegativeQuantityAndMoreThanAMillion() {
            RpcError negative = RpcError.of(() -> add("Apples", -3));
            RpcError tooMany = RpcError.of(() -> add("Apples", 1_000_001));

            assertThat(negative.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(negative.badRequest()).isEqualTo(badRequest("item.quantity", "must be 1 to 1000000, was -3"));
            assertThat(tooMany.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(tooMany.badRequest())
                    .isEqualTo(badRequest("item.quantity", "must be 1 to 1000000, was 1000001"));
        }

        @Test
        void addItem_rejectsTooLongNameAndControlCharacters() {
            RpcError tooLong = RpcError.of(() -> add("x".repeat(101), 1));
            RpcError control = RpcError.of(() -> add("Apples\tPears", 1));

            assertThat(tooLong.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(tooLong.badRequest())
                    .isEqualTo(badRequest("item.name", "must be 1 to 100 characters after trimming, was 101"));
            assertThat(control.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(control.badRequest()).isEqualTo(
                    badRequest("item.name", "must not contain control characters (tabs, line breaks, ...)"));
        }

        @Test
        void addItem_rejectsEveryBadFieldAtOnceAndStoresNothing() {
            long before = repository.count();

            RpcError error = RpcError.of(() -> greeter.addItem(AddItemRequest.newBuilder()
                    .setItem(Item.newBuilder().setName("   ").setQuantity(0))
                    .setRequestId("retry-1")
                    .build()));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(error.badRequest()).isEqualTo(badRequest(
                    "item.name", "must be 1 to 100 characters after trimming, was 0",
                    "item.quantity", "must be 1 to 1000000, was 0",
                    "request_id", "must be a UUID in lower-case canonical form (e.g. 0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d), or empty"));
            assertThat(error.resourceInfo()).isNull();
            assertThat(repository.count()).isEqualTo(before);
        }

        @Test
        void addItem_withoutItemNamesBothItemFields() {
            RpcError error = RpcError.of(() -> greeter.addItem(AddItemRequest.getDefaultInstance()));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.violatedFields()).containsExactly("item.name", "item.quantity");
        }

        @Test
        void addItem_withSameRequestIdReturnsTheFirstItem() {
            String requestId = UUID.randomUUID().toString();
            AddItemRequest request = addRequest("Milk", 2).toBuilder().setRequestId(requestId).build();
            long before = repository.count();

            Item first = greeter.addItem(request);
            clock.advance(Duration.ofSeconds(5));
            Item retried = greeter.addItem(request);

            assertThat(retried).isEqualTo(first);
            assertThat(repository.count()).isEqualTo(before + 1);
        }

        @Test
        void addItem_rejectedRequestDoesNotClaimItsRequestId() {
            String requestId = UUID.randomUUID().toString();
            long before = repository.count();

            RpcError rejected = RpcError.of(() -> greeter.addItem(
                    addRequest("Bread", 0).toBuilder().setRequestId(requestId).build()));
            Item added = greeter.addItem(addRequest("Bread", 1).toBuilder().setRequestId(requestId).build());

            assertThat(rejected.violatedFields()).containsExactly("item.quantity");
            assertThat(added.getName()).isEqualTo("Bread");
            assertThat(added.getQuantity()).isEqualTo(1);
            assertThat(repository.count()).isEqualTo(before + 1);
        }
    }

    @Nested
    class GetItem {

        @Test
        void getItem_returnsTheItemAsAdded() {
            Item added = add("Cheese", 1);
            clock.advance(Duration.ofMinutes(1));

            assertThat(get(added.getId())).isEqualTo(added);
        }

        @Test
        void getItem_unknownIdIsNotFoundWithResourceInfo() {
            RpcError error = RpcError.of(() -> get(UNKNOWN_ID));

            assertThat(error.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(error.message()).isEqualTo("item '" + UNKNOWN_ID + "' does not exist");
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("ITEM_NOT_FOUND", Map.of("id", UNKNOWN_ID)));
            assertThat(error.resourceInfo()).isEqualTo(ResourceInfo.newBuilder()
                    .setResourceType("grocer.greeter.v1.Item").setResourceName(UNKNOWN_ID)
                    .setDescription("item '" + UNKNOWN_ID + "' does not exist").build());
            assertThat(error.badRequest()).isNull();
        }

        @Test
        void getItem_emptyOrMalformedIdIsInvalidArgument() {
            RpcError empty = RpcError.of(() -> greeter.getItem(GetItemRequest.getDefaultInstance()));
            RpcError malformed = RpcError.of(() -> get("42"));
            RpcError upperCase = RpcError.of(() -> get(UNKNOWN_ID.toUpperCase()));

            assertThat(empty.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(empty.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(empty.badRequest()).isEqualTo(badRequest("id", "is required"));
            assertThat(malformed.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(malformed.badRequest()).isEqualTo(
                    badRequest("id", "must be an item id as returned by AddItem (a lower-case UUID), was '42'"));
            assertThat(upperCase.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(upperCase.violatedFields()).containsExactly("id");
        }
    }

    @Nested
    class ListItems {

        private ListItemsResponse list(int pageSize, String pageToken) {
            return greeter.listItems(
                    ListItemsRequest.newBuilder().setPageSize(pageSize).setPageToken(pageToken).build());
        }

        /** Every page from the first to the last, checking that each page but the last is full. */
        private List<ListItemsResponse> allPages(int pageSize) {
            List<ListItemsResponse> pages = new ArrayList<>();
            String token = "";
            do {
                ListItemsResponse page = list(pageSize, token);
                pages.add(page);
                token = page.getNextPageToken();
                if (!token.isEmpty()) {
                    assertThat(page.getItemsCount()).as("a page followed by another is full").isEqualTo(pageSize);
                }
            } while (!token.isEmpty());
            return pages;
        }

        private List<Item> allItems(int pageSize) {
            return allPages(pageSize).stream().flatMap(page -> page.getItemsList().stream()).toList();
        }

        private List<Item> addMany(String prefix, int count) {
            List<Item> added = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                added.add(add(prefix + " " + i, i + 1));
            }
            return added;
        }

        @Test
        void listItems_pagesThroughNewItemsInCreationOrderAfterTheOldOnes() {
            List<Item> old = allItems(1000);
            List<Item> added = addMany("Paged", 5);

            List<ListItemsResponse> pages = allPages(2);

            List<Item> expected = new ArrayList<>(old);
            expected.addAll(added);
            assertThat(pages).hasSize((expected.size() + 1) / 2);
            assertThat(pages.stream().flatMap(page -> page.getItemsList().stream()).toList()).isEqualTo(expected);
            assertThat(pages.get(pages.size() - 1)).isEqualTo(ListItemsResponse.newBuilder()
                    .addAllItems(expected.subList(2 * (pages.size() - 1), expected.size()))
                    .build());
            // A token can be used again: it names a position, not a server-side cursor.
            assertThat(list(2, pages.get(0).getNextPageToken())).isEqualTo(pages.get(1));
        }

        @Test
        void listItems_pageSizeZeroReturnsTheDefaultFifty() {
            addMany("Default", 51);
            List<Item> all = allItems(1000);

            ListItemsResponse page = list(0, "");

            assertThat(page.getItemsList()).isEqualTo(all.subList(0, 50));
            assertThat(page.getNextPageToken()).isNotEmpty();
            assertThat(list(0, page.getNextPageToken()).getItemsList())
                    .isEqualTo(all.subList(50, Math.min(100, all.size())));
        }

        @Test
        void listItems_hugePageSizeIsCappedAtTheMaximum() {
            // The store is shared with other tests: add only what it takes to exceed one maximum page.
            long missing = 1001 - repository.count();
            addMany("Capped", (int) Math.max(missing, 0));
            List<Item> all = allItems(1000);

            ListItemsResponse page = list(Integer.MAX_VALUE, "");

            assertThat(all.size()).isGreaterThan(1000);
            assertThat(page.getItemsList()).isEqualTo(all.subList(0, 1000));
            assertThat(page.getNextPageToken()).isNotEmpty();
        }

        @Test
        void listItems_negativePageSizeIsInvalidArgument() {
            RpcError error = RpcError.of(() -> list(-1, ""));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(error.badRequest())
                    .isEqualTo(badRequest("page_size", "must be 0 (the default, 50) or more, was -1"));
        }

        @Test
        void listItems_bogusPageTokenIsInvalidArgument() {
            RpcError garbage = RpcError.of(() -> list(2, "not-a-token"));
            RpcError badKey = RpcError.of(() -> list(2, PageTokens.after("ListItems", "not-an-id")));

            assertThat(garbage.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(garbage.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(garbage.badRequest()).isEqualTo(badRequest("page_token",
                    "is not a page token issued by this service; pass a token from an earlier response, or leave it empty to start from the beginning"));
            assertThat(badKey.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(badKey.badRequest())
                    .isEqualTo(badRequest("page_token", "is not a page token issued by this service"));
        }

        @Test
        void listItems_listUsersTokenIsInvalidArgument() {
            users.createUser(CreateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setDisplayName("Token Holder")
                            .setEmail("token-" + UUID.randomUUID() + "@example.com"))
                    .build());
            List<ListUsersResponse> listed = new ArrayList<>();
            users.listUsers(ListUsersRequest.newBuilder().setLimit(1).build()).forEachRemaining(listed::add);
            String userToken = listed.get(0).getPageToken();

            RpcError error = RpcError.of(() -> list(2, userToken));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(error.badRequest()).isEqualTo(badRequest("page_token",
                    "was issued for a different query; send the same filter as the request that returned it, or leave it empty to start over"));
        }
    }
}
