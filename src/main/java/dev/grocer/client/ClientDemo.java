package dev.grocer.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.FieldMask;
import com.google.type.Money;

import dev.grocer.greeter.v1.AddItemRequest;
import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.Item;
import dev.grocer.greeter.v1.ListItemsRequest;
import dev.grocer.greeter.v1.ListItemsResponse;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.ListOrdersResponse;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.UpdateOrderRequest;
import dev.grocer.order.v1.UpdateOrderResponse;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
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
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * The {@code client} profile's walk-through: calls every RPC of the three services against a running
 * server and prints, step by step, what it sent and what came back, expected errors included. It
 * exits 0 only when every step behaved as expected, so it doubles as a smoke test of a deployment.
 */
@Component
@Profile("client")
class ClientDemo implements CommandLineRunner, ExitCodeGenerator {

    private static final Address HOME = Address.newBuilder()
            .setStreet("Main Street").setNumber("12B").setCity("Springfield").setPostalCode("SW1A 1AA").build();
    private static final Address WORK = Address.newBuilder()
            .setStreet("Harbour Road").setNumber("1").setCity("Shelbyville").setPostalCode("12345").build();

    private final GrocerStubs stubs;
    private final ClientProperties properties;
    private final PrintStream out = System.out;
    // Emails must be unique per server: every run of the demo gets its own.
    private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
    private int exitCode;

    ClientDemo(GrocerStubs stubs, ClientProperties properties) {
        this.stubs = stubs;
        this.properties = properties;
    }

    /** Thrown when a step does not behave as the demo expects; its message is the one-line reason. */
    static final class StepFailed extends RuntimeException {
        StepFailed(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void run(String... args) {
        if (properties.interactive()) {
            return; // the shell runs instead
        }
        out.println("grocer client demo against " + properties.target());
        try {
            List<User> people = users();
            chat(people.get(0), people.get(1));
            orders(people.get(0));
            greeter(people.get(1));
            fanOut(people);
            deadline(people.get(0));
            noServer();
            out.println();
            out.println("demo OK: every step behaved as expected");
        } catch (StepFailed e) {
            fail(e.getMessage());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                fail("cannot reach grocer at " + properties.target() + " (" + String.join("; ",
                        RpcErrorText.describe(e)).replace("  ", "") + "); start the server, or point grocer.client.target at it");
            } else if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED
                    || e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
                fail("grocer at " + properties.target() + " refused the call (" + String.join("; ",
                        RpcErrorText.describe(e)).replace("  ", "") + "); give the client a token that grants grocer.write:"
                        + " grocer.client.token or GROCER_CLIENT_TOKEN");
            } else {
                fail("unexpected error: " + String.join(" / ", RpcErrorText.describe(e)));
            }
        }
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }

    private void fail(String reason) {
        exitCode = 1;
        out.println();
        out.println("demo FAILED: " + reason);
    }

    // --- UserService -------------------------------------------------------------------------------------

    private List<User> users() {
        section("UserService");
        List<User> people = new ArrayList<>();
        for (String name : List.of("Ada Lovelace", "Grace Hopper", "Linus Torvalds")) {
            User user = stubs.users().createUser(CreateUserRequest.newBuilder().setUser(User.newBuilder()
                    .setDisplayName(name).setEmail(email(name))).build());
            step("UserService/CreateUser", "created " + user.getDisplayName() + " <" + user.getEmail() + "> id "
                    + user.getId());
            people.add(user);
        }
        expectError("UserService/CreateUser with an invalid email", Status.Code.INVALID_ARGUMENT,
                () -> stubs.users().createUser(CreateUserRequest.newBuilder().setUser(User.newBuilder()
                        .setDisplayName("Nobody").setEmail("not-an-email")).build()));

        User ada = people.get(0);
        User got = stubs.users().getUser(GetUserRequest.newBuilder().setId(ada.getId()).build());
        check(got.equals(ada), "GetUser returned a different user than CreateUser");
        step("UserService/GetUser", "got " + got.getDisplayName() + " (etag " + got.getEtag() + ")");

        User renamed = stubs.users().updateUser(UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setId(ada.getId()).setDisplayName("Countess Ada").setEtag(ada.getEtag()))
                .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                .build());
        check(renamed.getDisplayName().equals("Countess Ada"), "UpdateUser did not rename");
        step("UserService/UpdateUser", "update_mask [display_name]: now " + renamed.getDisplayName()
                + ", etag " + ada.getEtag() + " -> " + renamed.getEtag());
        people.set(0, renamed);
        expectError("UserService/UpdateUser with the old etag", Status.Code.ABORTED,
                () -> stubs.users().updateUser(UpdateUserRequest.newBuilder()
                        .setUser(User.newBuilder().setId(ada.getId()).setDisplayName("Ada again").setEtag(ada.getEtag()))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                        .build()));

        Iterator<ListUsersResponse> listed = stubs.users().listUsers(ListUsersRequest.newBuilder().setLimit(2).build());
        int count = 0;
        while (listed.hasNext()) {
            step("UserService/ListUsers", "limit 2, streamed " + listed.next().getUser().getDisplayName());
            count++;
        }
        check(count == 2, "ListUsers with limit 2 streamed " + count + " users");

        CreateUsersResponse batch = createUsers(List.of(
                CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("Margaret Hamilton")
                        .setEmail(email("Margaret Hamilton"))).build(),
                CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("")
                        .setEmail("broken")).build(),
                CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("Barbara Liskov")
                        .setEmail(email("Barbara Liskov"))).build()));
        step("UserService/CreateUsers", "streamed 3 requests, " + batch.getCreatedCount() + " created:");
        for (CreateUserResult result : batch.getResultsList()) {
            if (result.hasUser()) {
                detail("created " + result.getUser().getDisplayName());
            } else {
                detail("rejected: " + Status.fromCodeValue(result.getError().getCode()).getCode() + ": "
                        + result.getError().getMessage());
            }
        }
        check(batch.getCreatedCount() == 2 && batch.getResults(1).hasError(), "CreateUsers did not report 2 + 1");

        User linus = people.get(2);
        stubs.users().deleteUser(DeleteUserRequest.newBuilder().setId(linus.getId()).build());
        step("UserService/DeleteUser", "deleted " + linus.getDisplayName());
        expectError("UserService/GetUser of the deleted user", Status.Code.NOT_FOUND,
                () -> stubs.users().getUser(GetUserRequest.newBuilder().setId(linus.getId()).build()));
        return people.subList(0, 2);
    }

    private CreateUsersResponse createUsers(List<CreateUserRequest> requests) {
        Collector<CreateUsersResponse> reply = new Collector<>();
        StreamObserver<CreateUserRequest> stream = stubs.usersAsync().createUsers(reply);
        requests.forEach(stream::onNext);
        stream.onCompleted();
        return reply.awaitSingle("CreateUsers");
    }

    // --- ChatStream --------------------------------------------------------------------------------------

    private void chat(User ada, User grace) {
        section("UserService/ChatStream");
        String adaName = ada.getDisplayName();
        String graceName = grace.getDisplayName();
        Collector<ChatStreamResponse> adaHears = new Collector<>();
        Collector<ChatStreamResponse> graceHears = new Collector<>();
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
            step("UserService/ChatStream", adaName + " heard " + heard.getSender() + ": " + heard.getText());
        }
        step("UserService/ChatStream", graceName + " heard " + graceHears.messages().size()
                + " messages; both left the room");
    }

    private static ChatStreamRequest say(String sender, String text) {
        return ChatStreamRequest.newBuilder().setSender(sender).setText(text).build();
    }

    // --- OrderService ------------------------------------------------------------------------------------

    private void orders(User buyer) {
        section("OrderService");
        Order order = register(buyer);
        step("OrderService/RegisterOrder", "order " + order.getId() + ": " + order.getItemsCount() + " items, total "
                + money(order.getTotal()) + ", " + order.getStatus());

        // Watch from the start, so every change shows: the address updates below and the fulfilment
        // simulator's steps. A generous deadline, in case the simulator is off.
        Collector<WatchOrderResponse> watch = new Collector<>();
        stubs.ordersAsync().withDeadlineAfter(60, TimeUnit.SECONDS)
                .watchOrder(WatchOrderRequest.newBuilder().setId(order.getId()).build(), watch);
        watch.awaitMessage(event -> true, "the order's current state from WatchOrder");

        Collector<UpdateOrderResponse> moved = new Collector<>();
        StreamObserver<UpdateOrderRequest> moves = stubs.ordersAsync().updateOrder(moved);
        moves.onNext(UpdateOrderRequest.newBuilder().setOrderId(order.getId()).setDeliveryAddress(WORK).build());
        moves.onNext(UpdateOrderRequest.newBuilder().setOrderId(order.getId())
                .setDeliveryAddress(WORK.toBuilder().setNumber("3")).build());
        moves.onCompleted();
        UpdateOrderResponse updated = moved.awaitSingle("UpdateOrder");
        step("OrderService/UpdateOrder", "streamed 2 address updates, " + updated.getUpdatesApplied()
                + " applied: now to " + address(updated.getOrder().getDeliveryAddress()));
        Order fetched = stubs.orders().getOrder(GetOrderRequest.newBuilder().setId(order.getId()).build());
        check(fetched.getDeliveryAddress().equals(updated.getOrder().getDeliveryAddress()),
                "GetOrder does not show the updated address");
        step("OrderService/GetOrder", "order " + fetched.getId() + " goes to "
                + address(fetched.getDeliveryAddress()) + ", " + fetched.getStatus());

        try {
            watch.awaitEnd("WatchOrder", TimeUnit.SECONDS.toMillis(61));
        } catch (StatusRuntimeException e) {
            throw new StepFailed("WatchOrder did not see the order delivered within 60 s ("
                    + e.getStatus().getCode() + "); is grocer.orders.fulfilment.enabled on?");
        }
        OrderStatus last = OrderStatus.ORDER_STATUS_UNSPECIFIED;
        for (WatchOrderResponse event : watch.messages()) {
            last = event.getOrder().getStatus();
            step("OrderService/WatchOrder", event.getChange() + " -> " + last);
        }
        check(last == OrderStatus.ORDER_STATUS_DELIVERED, "WatchOrder ended at " + last);

        Order second = register(buyer);
        Order cancelled = stubs.orders().cancelOrder(CancelOrderRequest.newBuilder().setId(second.getId()).build());
        check(cancelled.getStatus() == OrderStatus.ORDER_STATUS_CANCELLED, "CancelOrder left " + cancelled.getStatus());
        step("OrderService/CancelOrder", "order " + second.getId() + " is " + cancelled.getStatus());
        expectError("OrderService/CancelOrder of the delivered order", Status.Code.FAILED_PRECONDITION,
                () -> stubs.orders().cancelOrder(CancelOrderRequest.newBuilder().setId(order.getId()).build()));

        String token = "";
        int page = 0;
        do {
            ListOrdersResponse response = stubs.orders().listOrders(ListOrdersRequest.newBuilder()
                    .setUserId(buyer.getId()).setPageSize(1).setPageToken(token).build());
            page++;
            for (Order listed : response.getOrdersList()) {
                step("OrderService/ListOrders", "page " + page + " (page_size 1): " + listed.getId() + " "
                        + listed.getStatus());
            }
            token = response.getNextPageToken();
        } while (!token.isEmpty());
        check(page == 2, "ListOrders took " + page + " pages for 2 orders");
    }

    private Order register(User buyer) {
        return stubs.orders().registerOrder(RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                .setUserId(buyer.getId())
                .addItems(OrderItem.newBuilder().setProduct("Apples").setQuantity(6).setUnitPrice(eur(0, 450_000_000)))
                .addItems(OrderItem.newBuilder().setProduct("Bread").setQuantity(1).setUnitPrice(eur(3, 100_000_000)))
                .setDeliveryAddress(HOME))
                .build());
    }

    // --- GreeterService ----------------------------------------------------------------------------------

    private void greeter(User grace) {
        section("GreeterService");
        step("GreeterService/SayHello", "name Ada: " + stubs.greeter().sayHello(
                SayHelloRequest.newBuilder().setName("Ada").build()).getMessage());
        step("GreeterService/SayHello", "user_id of " + grace.getDisplayName() + ": " + stubs.greeter().sayHello(
                SayHelloRequest.newBuilder().setUserId(grace.getId()).build()).getMessage());
        List<String> added = new ArrayList<>();
        for (String name : List.of("Apples", "Pears", "Plums")) {
            Item item = stubs.greeter().addItem(AddItemRequest.newBuilder()
                    .setItem(Item.newBuilder().setName(name).setQuantity(name.length())).build());
            added.add(item.getId());
            step("GreeterService/AddItem", item.getQuantity() + " x " + item.getName() + ", id " + item.getId());
        }
        Item first = stubs.greeter().getItem(GetItemRequest.newBuilder().setId(added.get(0)).build());
        step("GreeterService/GetItem", "got " + first.getQuantity() + " x " + first.getName());
        String token = "";
        int page = 0;
        List<String> seen = new ArrayList<>();
        do {
            ListItemsResponse response = stubs.greeter().listItems(ListItemsRequest.newBuilder()
                    .setPageSize(100).setPageToken(token).build());
            page++;
            response.getItemsList().forEach(item -> seen.add(item.getId()));
            token = response.getNextPageToken();
        } while (!token.isEmpty());
        check(seen.containsAll(added), "ListItems did not list the items just added");
        step("GreeterService/ListItems", seen.size() + " items in " + page + " page(s) of up to 100, the 3 new ones last");
    }

    // --- Client patterns ---------------------------------------------------------------------------------

    private void fanOut(List<User> people) {
        section("Fan-out with the future stub");
        List<ListenableFuture<User>> calls = new ArrayList<>();
        for (User person : people) {
            calls.add(stubs.usersFuture().getUser(GetUserRequest.newBuilder().setId(person.getId()).build()));
        }
        try {
            List<User> got = Futures.allAsList(calls).get(properties.defaultDeadline().toMillis(), TimeUnit.MILLISECONDS);
            step("UserService/GetUser x" + got.size(), "concurrently: "
                    + got.stream().map(User::getDisplayName).toList());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new StepFailed("concurrent GetUser failed: " + RpcErrorText.describe(e.getCause()).get(0));
        } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
            throw new StepFailed("concurrent GetUser did not finish: " + e);
        }
    }

    private void deadline(User buyer) {
        section("Deadlines");
        Order order = register(buyer);
        // Delivery takes three simulator steps; 100 ms is shorter than even one at any sensible setting.
        expectError("OrderService/WatchOrder with a 100 ms deadline", Status.Code.DEADLINE_EXCEEDED, () -> {
            Iterator<WatchOrderResponse> events = stubs.orders().withDeadlineAfter(100, TimeUnit.MILLISECONDS)
                    .watchOrder(WatchOrderRequest.newBuilder().setId(order.getId()).build());
            events.forEachRemaining(event -> { });
        });
        stubs.orders().cancelOrder(CancelOrderRequest.newBuilder().setId(order.getId()).build());
    }

    private void noServer() {
        section("No server listening");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // free now, and nobody listens once the socket is closed
        } catch (IOException e) {
            throw new StepFailed("could not find a free port: " + e.getMessage());
        }
        ManagedChannel nowhere = ManagedChannelBuilder.forAddress("127.0.0.1", closedPort).usePlaintext().build();
        try {
            expectError("UserService/GetUser at 127.0.0.1:" + closedPort, Status.Code.UNAVAILABLE,
                    () -> UserServiceGrpc.newBlockingStub(nowhere).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .getUser(GetUserRequest.newBuilder().setId("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d").build()));
        } finally {
            nowhere.shutdownNow();
        }
    }

    // --- Output and checks -------------------------------------------------------------------------------

    private void expectError(String step, Status.Code expected, Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code != expected) {
                throw new StepFailed(step + ": expected " + expected + ", got " + String.join(" / ", RpcErrorText.describe(e)));
            }
            step(step, "failed as expected with");
            RpcErrorText.describe(e).forEach(this::detail);
            return;
        }
        throw new StepFailed(step + ": expected " + expected + ", but the call succeeded");
    }

    private static void check(boolean ok, String reason) {
        if (!ok) {
            throw new StepFailed(reason);
        }
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }

    private void step(String rpc, String what) {
        out.println("[" + rpc + "] " + what);
    }

    private void detail(String line) {
        out.println("    " + line);
    }

    private String email(String name) {
        return name.toLowerCase().replace(' ', '.') + "+" + run + "@example.com";
    }

    private static Money eur(long units, int nanos) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(nanos).build();
    }

    private static String money(Money money) {
        return java.math.BigDecimal.valueOf(money.getUnits()).add(java.math.BigDecimal.valueOf(money.getNanos(), 9))
                .stripTrailingZeros().toPlainString() + " " + money.getCurrencyCode();
    }

    private static String address(Address a) {
        return a.getStreet() + " " + a.getNumber() + ", " + a.getPostalCode() + " " + a.getCity();
    }

    /** Collects what a stream delivers, for steps that wait for a particular message or the end. */
    private static final class Collector<T> implements StreamObserver<T> {
        private final List<T> messages = new ArrayList<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Throwable error;

        @Override
        public synchronized void onNext(T value) {
            messages.add(value);
            notifyAll();
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            ended.countDown();
            synchronized (this) {
                notifyAll();
            }
        }

        @Override
        public void onCompleted() {
            ended.countDown();
        }

        synchronized List<T> messages() {
            return List.copyOf(messages);
        }

        synchronized void awaitMessage(Predicate<T> wanted, String what) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (messages.stream().noneMatch(wanted)) {
                long left = deadline - System.nanoTime();
                if (error != null || left <= 0) {
                    throw new StepFailed("did not receive " + what
                            + (error == null ? " within 10 s" : ": " + RpcErrorText.describe(error).get(0)));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StepFailed("interrupted while waiting for " + what);
                }
            }
        }

        void awaitEnd(String what) {
            awaitEnd(what, TimeUnit.SECONDS.toMillis(10));
        }

        void awaitEnd(String what, long millis) {
            try {
                if (!ended.await(millis, TimeUnit.MILLISECONDS)) {
                    throw new StepFailed(what + " did not end within " + millis / 1000 + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailed("interrupted while waiting for " + what);
            }
            if (error instanceof StatusRuntimeException sre) {
                throw sre;
            }
            if (error != null) {
                throw new StepFailed(what + " failed: " + error);
            }
        }

        T awaitSingle(String what) {
            awaitEnd(what);
            List<T> all = messages();
            check(all.size() == 1, what + " answered " + all.size() + " messages");
            return all.get(0);
        }
    }
}
