package dev.grocer.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.CommandLineRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.google.type.Money;

import dev.grocer.greeter.v1.AddItemRequest;
import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.Item;
import dev.grocer.greeter.v1.ListItemsRequest;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.DeleteUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.User;
import io.grpc.StatusRuntimeException;

/**
 * The {@code client} profile's interactive mode ({@code --grocer.client.interactive=true}): reads one
 * command a line from standard input, calls grocer, prints the answer or the error. Works the same
 * with piped input, so it can be scripted.
 */
@Component
@Profile("client")
class ClientShell implements CommandLineRunner {

    private static final String HELP = """
            commands:
              create-user NAME... EMAIL        get-user ID          delete-user ID       list-users [LIMIT]
              order USER_ID PRODUCT QUANTITY PRICE   (PRICE in EUR, e.g. 1.25; delivered to a sample address)
              get-order ID    cancel-order ID    watch-order ID    list-orders [USER_ID]
              hello NAME...   add-item NAME QUANTITY    get-item ID    list-items
              help    quit""";

    private static final Address SAMPLE_ADDRESS = Address.newBuilder()
            .setStreet("Main Street").setNumber("12B").setCity("Springfield").setPostalCode("SW1A 1AA").build();

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final GrocerStubs stubs;
    private final ClientProperties properties;

    ClientShell(GrocerStubs stubs, ClientProperties properties) {
        this.stubs = stubs;
        this.properties = properties;
    }

    @Override
    public void run(String... args) throws IOException {
        if (properties.interactive()) {
            run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
        }
    }

    /** Runs commands from {@code in} until {@code quit} or the end of the input. */
    void run(BufferedReader in, PrintStream out) throws IOException {
        boolean console = System.console() != null;
        out.println("grocer shell on " + properties.target() + "; type help for the commands");
        while (true) {
            if (console) {
                out.print("grocer> ");
                out.flush();
            }
            String line = in.readLine();
            if (line == null) {
                return;
            }
            List<String> words = Arrays.stream(line.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
            if (words.isEmpty()) {
                continue;
            }
            if (words.get(0).equals("quit") || words.get(0).equals("exit")) {
                out.println("bye");
                return;
            }
            try {
                execute(words, out);
            } catch (StatusRuntimeException e) {
                out.println("error: " + String.join("\n", RpcErrorText.describe(e)));
            } catch (IllegalArgumentException e) {
                out.println("usage: " + e.getMessage());
            }
        }
    }

    private void execute(List<String> words, PrintStream out) {
        String command = words.get(0);
        List<String> args = words.subList(1, words.size());
        switch (command) {
            case "help" -> out.println(HELP);
            case "create-user" -> {
                need(args.size() >= 2, "create-user NAME... EMAIL");
                print(out, stubs.users().createUser(CreateUserRequest.newBuilder().setUser(User.newBuilder()
                        .setDisplayName(String.join(" ", args.subList(0, args.size() - 1)))
                        .setEmail(args.get(args.size() - 1))).build()));
            }
            case "get-user" -> print(out, stubs.users().getUser(GetUserRequest.newBuilder().setId(one(args, "get-user ID")).build()));
            case "delete-user" -> {
                stubs.users().deleteUser(DeleteUserRequest.newBuilder().setId(one(args, "delete-user ID")).build());
                out.println("deleted");
            }
            case "list-users" -> stubs.users().listUsers(ListUsersRequest.newBuilder()
                    .setLimit(args.isEmpty() ? 0 : number(args.get(0), "list-users [LIMIT]")).build())
                    .forEachRemaining(r -> print(out, r.getUser()));
            case "order" -> {
                need(args.size() == 4, "order USER_ID PRODUCT QUANTITY PRICE");
                print(out, stubs.orders().registerOrder(RegisterOrderRequest.newBuilder().setOrder(
                        dev.grocer.order.v1.Order.newBuilder()
                                .setUserId(args.get(0))
                                .addItems(OrderItem.newBuilder().setProduct(args.get(1))
                                        .setQuantity(number(args.get(2), "order USER_ID PRODUCT QUANTITY PRICE"))
                                        .setUnitPrice(euros(args.get(3))))
                                .setDeliveryAddress(SAMPLE_ADDRESS))
                        .build()));
            }
            case "get-order" -> print(out, stubs.orders().getOrder(GetOrderRequest.newBuilder().setId(one(args, "get-order ID")).build()));
            case "cancel-order" -> print(out, stubs.orders().cancelOrder(CancelOrderRequest.newBuilder()
                    .setId(one(args, "cancel-order ID")).build()));
            case "watch-order" -> {
                Iterator<WatchOrderResponse> events = stubs.orders().withDeadlineAfter(5, TimeUnit.MINUTES)
                        .watchOrder(WatchOrderRequest.newBuilder().setId(one(args, "watch-order ID")).build());
                events.forEachRemaining(e -> out.println(e.getChange() + " -> " + e.getOrder().getStatus()));
            }
            case "list-orders" -> stubs.orders().listOrders(ListOrdersRequest.newBuilder()
                    .setUserId(args.isEmpty() ? "" : args.get(0)).build())
                    .getOrdersList().forEach(o -> print(out, o));
            case "hello" -> {
                need(!args.isEmpty(), "hello NAME...");
                out.println(stubs.greeter().sayHello(SayHelloRequest.newBuilder()
                        .setName(String.join(" ", args)).build()).getMessage());
            }
            case "add-item" -> {
                need(args.size() == 2, "add-item NAME QUANTITY");
                print(out, stubs.greeter().addItem(AddItemRequest.newBuilder().setItem(Item.newBuilder()
                        .setName(args.get(0)).setQuantity(number(args.get(1), "add-item NAME QUANTITY"))).build()));
            }
            case "get-item" -> print(out, stubs.greeter().getItem(GetItemRequest.newBuilder().setId(one(args, "get-item ID")).build()));
            case "list-items" -> stubs.greeter().listItems(ListItemsRequest.getDefaultInstance())
                    .getItemsList().forEach(i -> print(out, i));
            default -> out.println("unknown command '" + command + "'; type help for the commands");
        }
    }

    private static void print(PrintStream out, MessageOrBuilder message) {
        try {
            out.println(JSON.print(message));
        } catch (InvalidProtocolBufferException e) {
            out.println(message); // only for messages holding an Any of an unknown type; grocer's hold none
        }
    }

    private static void need(boolean ok, String usage) {
        if (!ok) {
            throw new IllegalArgumentException(usage);
        }
    }

    private static String one(List<String> args, String usage) {
        need(args.size() == 1, usage);
        return args.get(0);
    }

    private static int number(String text, String usage) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage + " ('" + text + "' is not a whole number)");
        }
    }

    private static Money euros(String text) {
        BigDecimal amount;
        try {
            amount = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("order USER_ID PRODUCT QUANTITY PRICE ('" + text + "' is not a price)");
        }
        return Money.newBuilder().setCurrencyCode("EUR")
                .setUnits(amount.longValue())
                .setNanos(amount.remainder(BigDecimal.ONE).movePointRight(9).intValue())
                .build();
    }
}
