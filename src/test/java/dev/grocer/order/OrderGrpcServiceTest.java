package dev.grocer.order;

import static dev.grocer.order.OrderTestData.HOME;
import static dev.grocer.order.OrderTestData.WORK;
import static dev.grocer.order.OrderTestData.eur;
import static dev.grocer.order.OrderTestData.groceries;
import static dev.grocer.order.OrderTestData.item;
import static dev.grocer.testing.RpcError.grocerInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.ResourceInfo;
import com.google.type.Money;

import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.ListOrdersResponse;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderChange;
import dev.grocer.order.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import dev.grocer.order.v1.OrderServiceGrpc.OrderServiceStub;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.UpdateOrderRequest;
import dev.grocer.order.v1.UpdateOrderResponse;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.GrpcInProcessTest;
import dev.grocer.testing.MutableClock;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.client.inject.GrpcClient;

/**
 * OrderService through real stubs over the in-process transport, with the fulfilment simulator off so
 * every status change in these tests is one the test made (see {@link FulfilmentTest} for it on).
 */
@GrpcInProcessTest
class OrderGrpcServiceTest {

    private static final Instant T0 = MutableClock.START;
    private static final String MISSING = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

    @GrpcClient("grocer")
    OrderServiceBlockingStub orders;

    @GrpcClient("grocer")
    OrderServiceStub async;

    @GrpcClient("grocer")
    UserServiceBlockingStub users;

    @Autowired
    MutableClock clock;

    private User buyer;

    @BeforeEach
    void newBuyer() {
        clock.set(T0);
        buyer = OrderTestData.newUser(users);
    }

    private Order register() {
        return orders.registerOrder(groceries(buyer.getId()));
    }

    private Order get(String id) {
        return orders.getOrder(GetOrderRequest.newBuilder().setId(id).build());
    }

    private List<Order> listedFor(String userId) {
        return orders.listOrders(ListOrdersRequest.newBuilder().setUserId(userId).setPageSize(5).build())
                .getOrdersList();
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static Money money(String currencyCode, long units, int nanos) {
        return Money.newBuilder().setCurrencyCode(currencyCode).setUnits(units).setNanos(nanos).build();
    }

    private static BadRequest.FieldViolation violation(String field, String description) {
        return BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build();
    }

    private static UpdateOrderRequest move(String orderId, Address to) {
        return UpdateOrderRequest.newBuilder().setOrderId(orderId).setDeliveryAddress(to).build();
    }

    @Nested
    class RegisterOrder {

        @Test
        void registerOrder_returnsThePlacedOrderWithItsIdAndExactTotal() {
            Order order = register();

            assertThat(order).isEqualTo(groceries(buyer.getId()).getOrder().toBuilder()
                    .setId(order.getId())
                    .setStatus(OrderStatus.ORDER_STATUS_PLACED)
                    .setTotal(eur(5, 600_000_000))
                    .setCreateTime(ts(T0))
                    .setUpdateTime(ts(T0))
                    .setEtag(order.getEtag())
                    .build());
            assertThat(order.getId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(get(order.getId())).isEqualTo(order);
        }

        @Test
        void registerOrder_sumsLargeTotalsExactly() {
            RegisterOrderRequest request = RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                    .setUserId(buyer.getId())
                    .addItems(item("Tea", 10_000, eur(0, 10_000_000)))
                    .addItems(item("Caviar", 3, eur(1_000_000_000, 990_000_000)))
                    .setDeliveryAddress(HOME)).build();

            // 10000 x 0.01 = 100.00; 3 x 1000000000.99 = 3000000002.97; sum 3000000102.97
            assertThat(orders.registerOrder(request).getTotal()).isEqualTo(eur(3_000_000_102L, 970_000_000));
        }

        @Test
        void registerOrder_rejectsCurrencyCodesThatAreNoIso4217CurrencyWithAMinorUnit() {
            RegisterOrderRequest bad = RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                    .setUserId(buyer.getId())
                    .addItems(item("Apple", 1, money("ABC", 1, 0)))
                    .addItems(item("Gold bar", 1, money("XAU", 1, 0)))
                    .addItems(item("Bread", 1, eur(3, 100_000_000)))
                    .setDeliveryAddress(HOME)).build();

            RpcError error = RpcError.of(() -> orders.registerOrder(bad));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(error.badRequest()).isEqualTo(BadRequest.newBuilder()
                    .addFieldViolations(violation("order.items[0].unit_price.currency_code",
                            "must be an ISO 4217 currency code like EUR; 'ABC' is not an ISO 4217 currency"))
                    .addFieldViolations(violation("order.items[1].unit_price.currency_code",
                            "must be a currency with a minor unit, like EUR; 'XAU' is an ISO 4217 code without one"
                                    + " (a precious metal, a fund, a test or no-currency code)"))
                    .build());
            assertThat(listedFor(buyer.getId())).isEmpty();
        }

        @Test
        void registerOrder_rejectsPricesThatAreNotAWholeNumberOfTheCurrencysMinorUnit() {
            RegisterOrderRequest euros = RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                    .setUserId(buyer.getId())
                    .addItems(item("Apple", 1, eur(1, 250_000_000)))
                    .addItems(item("Saffron", 1, eur(1, 234_000_000)))
                    .setDeliveryAddress(HOME)).build();
            RegisterOrderRequest yen = RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                    .setUserId(buyer.getId())
                    .addItems(item("Rice", 1, money("JPY", 500, 500_000_000)))
                    .setDeliveryAddress(HOME)).build();

            RpcError cents = RpcError.of(() -> orders.registerOrder(euros));
            RpcError wholeYen = RpcError.of(() -> orders.registerOrder(yen));

            assertThat(cents.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(cents.badRequest()).isEqualTo(BadRequest.newBuilder()
                    .addFieldViolations(violation("order.items[1].unit_price.nanos",
                            "must be a whole number of the currency's minor unit: EUR has 2 decimal places, so nanos"
                                    + " must be a multiple of 10000000 (0.01 EUR), was 234000000"))
                    .build());
            assertThat(wholeYen.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(wholeYen.badRequest()).isEqualTo(BadRequest.newBuilder()
                    .addFieldViolations(violation("order.items[0].unit_price.nanos",
                            "must be a whole number of the currency's minor unit: JPY has 0 decimal places, so nanos"
                                    + " must be 0, was 500000000"))
                    .build());
            assertThat(listedFor(buyer.getId())).isEmpty();
        }

        @Test
        void registerOrder_takesWholeMinorUnitsOfEveryCurrency_upToTheLargestTotalOfThreeDecimals() {
            Order yen = orders.registerOrder(RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                    .setUserId(buyer.getId())
                    .addItems(item("Rice", 3, money("JPY", 500, 0)))
                    .setDeliveryAddress(HOME)).build());
            Order.Builder dinars = Order.newBuilder().setUserId(buyer.getId()).setDeliveryAddress(HOME);
            for (int i = 0; i < 100; i++) {
                dinars.addItems(item("Pearl " + i, 10_000, money("KWD", 1_000_000_000, 999_000_000)));
            }

            Order largest = orders.registerOrder(RegisterOrderRequest.newBuilder().setOrder(dinars).build());

            assertThat(yen.getTotal()).isEqualTo(money("JPY", 1_500, 0));
            // 100 x 10000 x 1000000000.999 KWD = 1000000000999000000 fils, within a long's 9223372036854775807
            assertThat(largest.getTotal()).isEqualTo(money("KWD", 1_000_000_000_999_000L, 0));
            assertThat(get(largest.getId())).isEqualTo(largest);
        }

        @Test
        void registerOrder_whoseTotalExceedsALongOfMinorUnits_isInvalid() {
            // CLF has 4 decimal places: 100 x 10000 x 1000000000 CLF is 10^19 ten-thousandths, more than a long holds.
            Order.Builder order = Order.newBuilder().setUserId(buyer.getId()).setDeliveryAddress(HOME);
            for (int i = 0; i < 100; i++) {
                order.addItems(item("Unit " + i, 10_000, money("CLF", 1_000_000_000, 0)));
            }

            RpcError error = RpcError.of(() -> orders.registerOrder(RegisterOrderRequest.newBuilder()
                    .setOrder(order).build()));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.badRequest()).isEqualTo(BadRequest.newBuilder()
                    .addFieldViolations(violation("order.items",
                            "must add up to at most 922337203685477.5807 CLF (9223372036854775807 minor units), the"
                                    + " most an order's total can be; order fewer or cheaper items"))
                    .build());
            assertThat(listedFor(buyer.getId())).isEmpty();
        }

        @Test
        void registerOrder_namesEveryBadFieldAndStoresNothing() {
            RegisterOrderRequest bad = RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                    .setUserId(buyer.getId())
                    .addItems(item("", 0, eur(1, 0)))
                    .addItems(item("Milk", 1, Money.newBuilder().setCurrencyCode("eur").setUnits(-1).setNanos(-5).build()))
                    .addItems(item("Cheese", 1, Money.newBuilder().setCurrencyCode("USD").setUnits(2).build()))
                    .setDeliveryAddress(HOME.toBuilder().setCity(" ").setPostalCode("12#4")))
                    .setRequestId("not-a-uuid")
                    .build();

            RpcError error = RpcError.of(() -> orders.registerOrder(bad));

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of()));
            assertThat(error.violatedFields()).containsExactly(
                    "order.items[0].product",
                    "order.items[0].quantity",
                    "order.items[1].unit_price.currency_code",
                    "order.items[1].unit_price.units",
                    "order.items[1].unit_price.nanos",
                    "order.items[2].unit_price.currency_code",
                    "order.delivery_address.city",
                    "order.delivery_address.postal_code",
                    "request_id");
            assertThat(error.badRequest().getFieldViolations(5).getDescription())
                    .isEqualTo("must be the currency of the order's first item (EUR), was USD");
            assertThat(error.badRequest().getFieldViolations(7).getDescription())
                    .isEqualTo("may hold only letters, digits, spaces and dashes, was '12#4'");
            assertThat(listedFor(buyer.getId())).isEmpty();
        }

        @Test
        void registerOrder_requiresItemsAndAnAddress() {
            RpcError error = RpcError.of(() -> orders.registerOrder(RegisterOrderRequest.newBuilder()
                    .setOrder(Order.newBuilder().setUserId(buyer.getId())).build()));

            assertThat(error.violatedFields()).containsExactly("order.items", "order.delivery_address");
            assertThat(error.badRequest().getFieldViolations(0).getDescription())
                    .isEqualTo("must hold 1 to 100 items, held 0");
        }

        @Test
        void registerOrder_forAnUnknownUserIsNotFound() {
            RpcError unknown = RpcError.of(() -> orders.registerOrder(groceries(MISSING)));
            RpcError malformed = RpcError.of(() -> orders.registerOrder(groceries("bob")));

            assertThat(unknown.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(unknown.errorInfo()).isEqualTo(grocerInfo("USER_NOT_FOUND", Map.of("id", MISSING)));
            assertThat(listedFor(MISSING)).isEmpty();
            assertThat(malformed.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(malformed.violatedFields()).containsExactly("order.user_id");
        }

        @Test
        void registerOrder_withSameRequestIdReturnsTheFirstOrder() {
            RegisterOrderRequest request = groceries(buyer.getId()).toBuilder()
                    .setRequestId("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7e").build();

            Order first = orders.registerOrder(request);
            Order retried = orders.registerOrder(request);

            assertThat(retried).isEqualTo(first);
            assertThat(listedFor(buyer.getId())).containsExactly(first);
        }
    }

    @Nested
    class GetOrder {

        @Test
        void getOrder_unknownIsNotFoundAndMalformedIsInvalid() {
            RpcError unknown = RpcError.of(() -> get(MISSING));
            RpcError empty = RpcError.of(() -> get(""));

            assertThat(unknown.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(unknown.errorInfo()).isEqualTo(grocerInfo("ORDER_NOT_FOUND", Map.of("id", MISSING)));
            assertThat(unknown.resourceInfo()).isEqualTo(ResourceInfo.newBuilder()
                    .setResourceType("grocer.order.v1.Order").setResourceName(MISSING)
                    .setDescription("order '" + MISSING + "' does not exist").build());
            assertThat(empty.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(empty.violatedFields()).containsExactly("id");
        }
    }

    @Nested
    class ListOrders {

        @Test
        void listOrders_pagesThroughOneUsersOrdersWithTheDefaultPageSize() {
            List<Order> registered = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                registered.add(register());
            }
            OrderTestData.newUser(users); // another user's orders must not show up
            orders.registerOrder(groceries(OrderTestData.newUser(users).getId()));

            List<ListOrdersResponse> pages = new ArrayList<>();
            String token = "";
            do {
                ListOrdersResponse page = orders.listOrders(ListOrdersRequest.newBuilder()
                        .setUserId(buyer.getId()).setPageToken(token).build());
                pages.add(page);
                token = page.getNextPageToken();
            } while (!token.isEmpty());

            assertThat(pages).extracting(ListOrdersResponse::getOrdersCount).containsExactly(3, 3, 1);
            assertThat(pages.stream().flatMap(p -> p.getOrdersList().stream()).toList()).isEqualTo(registered);
        }

        @Test
        void listOrders_withoutAFilterEndsWithTheNewestOrdersAndCapsThePageSize() {
            Order first = register();
            Order second = register();

            List<Order> all = new ArrayList<>();
            String token = "";
            do {
                ListOrdersResponse page = orders.listOrders(ListOrdersRequest.newBuilder()
                        .setPageSize(1_000).setPageToken(token).build());
                assertThat(page.getOrdersCount()).isLessThanOrEqualTo(5); // the test maximum
                all.addAll(page.getOrdersList());
                token = page.getNextPageToken();
            } while (!token.isEmpty());

            assertThat(all.subList(all.size() - 2, all.size())).containsExactly(first, second);
            assertThat(all).extracting(Order::getId).doesNotHaveDuplicates().isSorted();
        }

        @Test
        void listOrders_rejectsNegativeSizesBogusTokensAndTokensOfAnotherFilter() {
            for (int i = 0; i < 4; i++) {
                register();
            }
            String tokenForBuyer = orders.listOrders(ListOrdersRequest.newBuilder().setUserId(buyer.getId())
                    .build()).getNextPageToken();

            RpcError negative = RpcError.of(() -> orders.listOrders(ListOrdersRequest.newBuilder().setPageSize(-1).build()));
            RpcError bogus = RpcError.of(() -> orders.listOrders(ListOrdersRequest.newBuilder().setPageToken("x").build()));
            RpcError otherFilter = RpcError.of(() -> orders.listOrders(ListOrdersRequest.newBuilder()
                    .setPageToken(tokenForBuyer).build()));
            RpcError badUser = RpcError.of(() -> orders.listOrders(ListOrdersRequest.newBuilder().setUserId("bob").build()));

            assertThat(tokenForBuyer).isNotEmpty();
            assertThat(negative.violatedFields()).containsExactly("page_size");
            assertThat(bogus.violatedFields()).containsExactly("page_token");
            assertThat(otherFilter.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(otherFilter.badRequest().getFieldViolations(0).getDescription()).isEqualTo(
                    "was issued for a different query; send the same filter as the request that returned it, or leave it empty to start over");
            assertThat(badUser.violatedFields()).containsExactly("user_id");
        }
    }

    @Nested
    class UpdateOrder {

        private RecordingObserver<UpdateOrderRequest, UpdateOrderResponse> stream(UpdateOrderRequest... updates) {
            RecordingObserver<UpdateOrderRequest, UpdateOrderResponse> reply = RecordingObserver.autoFlowControl();
            StreamObserver<UpdateOrderRequest> requests = async.updateOrder(reply);
            for (UpdateOrderRequest update : updates) {
                requests.onNext(update);
            }
            requests.onCompleted();
            return reply;
        }

        @Test
        void updateOrder_appliesEveryAddressInOrderAndReturnsTheFinalOrder() {
            Order order = register();
            Instant later = clock.advance(Duration.ofMinutes(1));
            Address flat = HOME.toBuilder().setNumber("12B, flat 3").build();

            UpdateOrderResponse response = stream(move(order.getId(), WORK), move(order.getId(), flat)).awaitSingle();

            assertThat(response.getUpdatesApplied()).isEqualTo(2);
            assertThat(response.getOrder()).isEqualTo(order.toBuilder()
                    .setDeliveryAddress(flat)
                    .setUpdateTime(ts(later))
                    .setEtag(response.getOrder().getEtag())
                    .build());
            assertThat(response.getOrder().getEtag()).isNotEqualTo(order.getEtag());
            assertThat(get(order.getId())).isEqualTo(response.getOrder());
        }

        @Test
        void updateOrder_aBadUpdateEndsTheStreamKeepingTheUpdatesBeforeIt() {
            Order order = register();

            RpcError error = RpcError.of(stream(
                    move(order.getId(), WORK),
                    move(order.getId(), WORK.toBuilder().setCity("").build()),
                    move(order.getId(), HOME.toBuilder().setStreet("Never Applied Road").build())).awaitError());

            assertThat(error.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("INVALID_ARGUMENT", Map.of("updates_applied", "1")));
            assertThat(error.violatedFields()).containsExactly("delivery_address.city");
            assertThat(get(order.getId()).getDeliveryAddress()).isEqualTo(WORK);
        }

        @Test
        void updateOrder_everyUpdateMustNameTheSameOrder() {
            Order order = register();
            Order other = register();

            RpcError error = RpcError.of(stream(move(order.getId(), WORK), move(other.getId(), WORK)).awaitError());

            assertThat(error.violatedFields()).containsExactly("order_id");
            assertThat(error.errorInfo().getMetadataMap()).containsEntry("updates_applied", "1");
            assertThat(get(other.getId())).isEqualTo(other);
        }

        @Test
        void updateOrder_anEmptyStreamAnUnknownOrderAndAMissingAddressAreRejected() {
            Order order = register();

            RpcError empty = RpcError.of(stream().awaitError());
            RpcError unknown = RpcError.of(stream(move(MISSING, WORK)).awaitError());
            RpcError noAddress = RpcError.of(stream(UpdateOrderRequest.newBuilder().setOrderId(order.getId()).build())
                    .awaitError());

            assertThat(empty.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(empty.violatedFields()).containsExactly("order_id");
            assertThat(unknown.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(unknown.errorInfo()).isEqualTo(grocerInfo("ORDER_NOT_FOUND",
                    Map.of("id", MISSING, "updates_applied", "0")));
            assertThat(noAddress.violatedFields()).containsExactly("delivery_address");
            assertThat(get(order.getId())).isEqualTo(order);
        }

        @Test
        void updateOrder_ofACancelledOrderIsFailedPrecondition() {
            Order order = register();
            Order cancelled = orders.cancelOrder(CancelOrderRequest.newBuilder().setId(order.getId()).build());

            RpcError error = RpcError.of(stream(move(order.getId(), WORK)).awaitError());

            assertThat(error.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("ORDER_ALREADY_CANCELLED", Map.of("id", order.getId(),
                    "status", "ORDER_STATUS_CANCELLED", "updates_applied", "0")));
            assertThat(error.message()).isEqualTo(
                    "cannot update the address of order '" + order.getId() + "': it is already cancelled");
            assertThat(get(order.getId())).isEqualTo(cancelled);
        }
    }

    @Nested
    class CancelOrder {

        @Test
        void cancelOrder_cancelsOnceThenIsFailedPrecondition() {
            Order order = register();
            Instant later = clock.advance(Duration.ofSeconds(30));

            Order cancelled = orders.cancelOrder(CancelOrderRequest.newBuilder()
                    .setId(order.getId()).setEtag(order.getEtag()).build());
            RpcError again = RpcError.of(() -> orders.cancelOrder(CancelOrderRequest.newBuilder()
                    .setId(order.getId()).build()));

            assertThat(cancelled).isEqualTo(order.toBuilder().setStatus(OrderStatus.ORDER_STATUS_CANCELLED)
                    .setUpdateTime(ts(later)).setEtag(cancelled.getEtag()).build());
            assertThat(again.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(again.errorInfo()).isEqualTo(grocerInfo("ORDER_ALREADY_CANCELLED",
                    Map.of("id", order.getId(), "status", "ORDER_STATUS_CANCELLED")));
            assertThat(get(order.getId())).isEqualTo(cancelled);
        }

        @Test
        void cancelOrder_withAStaleEtagIsAbortedAndUnknownIsNotFound() {
            Order order = register();
            StreamObserver<UpdateOrderRequest> updates = async.updateOrder(RecordingObserver.autoFlowControl());
            updates.onNext(move(order.getId(), WORK));
            updates.onCompleted();
            await().until(() -> get(order.getId()).getDeliveryAddress().equals(WORK));

            RpcError stale = RpcError.of(() -> orders.cancelOrder(CancelOrderRequest.newBuilder()
                    .setId(order.getId()).setEtag(order.getEtag()).build()));
            RpcError unknown = RpcError.of(() -> orders.cancelOrder(CancelOrderRequest.newBuilder().setId(MISSING).build()));

            assertThat(stale.code()).isEqualTo(Status.Code.ABORTED);
            assertThat(stale.errorInfo().getReason()).isEqualTo("ETAG_MISMATCH");
            assertThat(get(order.getId()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PLACED);
            assertThat(unknown.code()).isEqualTo(Status.Code.NOT_FOUND);
        }
    }

    @Nested
    class WatchOrder {

        private RecordingObserver<WatchOrderRequest, WatchOrderResponse> watch(String id) {
            RecordingObserver<WatchOrderRequest, WatchOrderResponse> watcher = RecordingObserver.autoFlowControl();
            async.watchOrder(WatchOrderRequest.newBuilder().setId(id).build(), watcher);
            return watcher;
        }

        @Test
        void watchOrder_streamsTheCurrentStateThenEachChangeUntilCancelled() {
            Order order = register();
            var watcher = watch(order.getId());
            await().until(() -> watcher.values().size() == 1);

            StreamObserver<UpdateOrderRequest> updates = async.updateOrder(RecordingObserver.autoFlowControl());
            updates.onNext(move(order.getId(), WORK));
            updates.onCompleted();
            await().until(() -> watcher.values().size() == 2);
            Order cancelled = orders.cancelOrder(CancelOrderRequest.newBuilder().setId(order.getId()).build());
            watcher.awaitCompletion();

            assertThat(watcher.values()).extracting(WatchOrderResponse::getChange).containsExactly(
                    OrderChange.ORDER_CHANGE_CURRENT_STATE, OrderChange.ORDER_CHANGE_ADDRESS_UPDATED,
                    OrderChange.ORDER_CHANGE_CANCELLED);
            assertThat(watcher.values().get(0).getOrder()).isEqualTo(order);
            assertThat(watcher.values().get(1).getOrder().getDeliveryAddress()).isEqualTo(WORK);
            assertThat(watcher.values().get(2).getOrder()).isEqualTo(cancelled);
        }

        @Test
        void watchOrder_ofAFinishedOrderSendsItsStateAndEnds() {
            Order order = register();
            Order cancelled = orders.cancelOrder(CancelOrderRequest.newBuilder().setId(order.getId()).build());

            var watcher = watch(order.getId());
            watcher.awaitCompletion();

            assertThat(watcher.values()).containsExactly(WatchOrderResponse.newBuilder()
                    .setChange(OrderChange.ORDER_CHANGE_CURRENT_STATE).setOrder(cancelled).build());
        }

        @Test
        void watchOrder_unknownIsNotFound() {
            RpcError error = RpcError.of(watch(MISSING).awaitError());

            assertThat(error.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(error.errorInfo().getReason()).isEqualTo("ORDER_NOT_FOUND");
        }

        @Test
        void watchOrder_aWatcherThatDoesNotReadIsEndedWithoutStallingTheOrder() {
            Order order = register();
            RecordingObserver<WatchOrderRequest, WatchOrderResponse> stalled = RecordingObserver.manualFlowControl(0);
            async.watchOrder(WatchOrderRequest.newBuilder().setId(order.getId()).build(), stalled);
            var reader = watch(order.getId());
            await().until(() -> reader.values().size() == 1);

            for (int i = 0; i < 6; i++) { // the test outbox holds 4, the current state included
                RecordingObserver<UpdateOrderRequest, UpdateOrderResponse> reply = RecordingObserver.autoFlowControl();
                StreamObserver<UpdateOrderRequest> updates = async.updateOrder(reply);
                updates.onNext(move(order.getId(), (i % 2 == 0 ? WORK : HOME)));
                updates.onCompleted();
                reply.awaitSingle();
            }

            RpcError error = RpcError.of(stalled.awaitError());
            assertThat(error.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(error.errorInfo()).isEqualTo(
                    grocerInfo("WATCHER_TOO_SLOW", Map.of("watch_outbox_capacity", "4")));
            await().until(() -> reader.values().size() == 7);
            reader.cancel();
        }
    }
}
