package dev.grocer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.google.type.Money;

import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.testing.TestServer;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The page at {@code /} in a real browser, Debian's headless Chromium driven through Debian's chromedriver, against
 * real grocer servers: each test uses the page as a person would and compares what it shows with what the server
 * says over gRPC. Only the browser profile runs these ({@code ./mvnw -Pbrowser test}, docs/web.md).
 */
@Tag("browser")
class BrowserPageTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("grocer.browser.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getProperty("grocer.browser.chromedriver", "/usr/bin/chromedriver"));

    /** Long enough for the page to show each status before the next, so the test sees them arrive one by one. */
    private static final String STEP_DELAY = "1s";
    /** The most any wait takes: three fulfilment steps and then some, on a busy machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static final List<String> LIFECYCLE = List.of("ORDER_STATUS_PLACED", "ORDER_STATUS_PREPARING",
            "ORDER_STATUS_OUT_FOR_DELIVERY", "ORDER_STATUS_DELIVERED");

    /** Orders advance every {@link #STEP_DELAY}. */
    private static TestServer fulfilling;
    /** Orders stay PLACED until cancelled, so a cancel test knows exactly what the page must show. */
    private static TestServer still;
    private static ManagedChannel fulfillingChannel;
    private static ManagedChannel stillChannel;
    private static WebDriver browser;

    @BeforeAll
    static void start() {
        // Fail, not skip: whoever runs the browser profile wants these tests run.
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the browser tests need %s and %s: on Debian, apt-get install chromium chromium-driver; "
                        + "elsewhere set -Dgrocer.browser.chromium and -Dgrocer.browser.chromedriver", CHROMIUM,
                        CHROMEDRIVER)
                .isTrue();
        fulfilling = TestServer.start("--grocer.orders.fulfilment.step-delay=" + STEP_DELAY);
        still = TestServer.start("--grocer.orders.fulfilment.enabled=false");
        fulfillingChannel = ManagedChannelBuilder.forAddress("127.0.0.1", fulfilling.grpcPort()).usePlaintext().build();
        stillChannel = ManagedChannelBuilder.forAddress("127.0.0.1", still.grpcPort()).usePlaintext().build();

        // The installed driver and browser, named outright, so Selenium Manager never looks for (or downloads) others.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: Chromium will not start its sandbox as root, which CI is; the page is our own, on loopback.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1024");
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(PATIENCE);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (browser != null) {
            browser.quit();
        }
        for (ManagedChannel channel : new ManagedChannel[] {fulfillingChannel, stillChannel}) {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        for (TestServer server : new TestServer[] {fulfilling, still}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void createUser_withTheKeyboard_listsAndPicksTheNewUser() {
        open(fulfilling);
        WebElement name = browser.findElement(By.id("display-name"));
        name.sendKeys("Ada Lovelace", Keys.TAB, "ada@example.com", Keys.ENTER);

        waitUntil("the new user picked", driver -> text("order-user").equals("Ada Lovelace <ada@example.com>"));
        User ada = listUsers(fulfillingChannel).stream().filter(u -> u.getEmail().equals("ada@example.com"))
                .findFirst().orElseThrow();
        // The list is ListUsers as the server streams it, the new user among them and picked.
        List<String> expected = listUsers(fulfillingChannel).stream()
                .map(u -> u.getDisplayName() + " <" + u.getEmail() + ">").toList();
        waitUntil("the list of users " + expected, driver -> userLabels().equals(expected));
        assertThat(browser.findElement(By.cssSelector("#users li[data-id='" + ada.getId() + "'] input")).isSelected())
                .isTrue();
        assertThat(browser.findElement(By.id("display-name")).getDomProperty("value")).isEmpty();
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
    }

    @Test
    void registerOrder_showsEveryStatusAsItArrives() {
        User bob = createUser(fulfillingChannel, "Bob", "bob@example.com");
        open(fulfilling);
        pick(bob);
        browser.findElement(By.id("register-order")).click();

        // Every state of the timeline the test saw, in order. Each is the lifecycle's first statuses, each longer than
        // the one before: statuses are added as they arrive, in order, and stay. At least one came while the test
        // watched (a step takes STEP_DELAY, the test looks every 50 ms, so it normally sees all four states).
        List<List<String>> seen = new ArrayList<>();
        waitUntil("the timeline " + LIFECYCLE, driver -> {
            List<String> now = timeline();
            if (!now.isEmpty() && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now))) {
                seen.add(now);
            }
            return now.equals(LIFECYCLE);
        });
        assertThat(seen).as("the timeline as it grew").hasSizeGreaterThan(1)
                .allSatisfy(shown -> assertThat(shown).isEqualTo(LIFECYCLE.subList(0, shown.size())));
        assertThat(seen).extracting(List::size).as("its lengths").isSorted();

        Order order = OrderServiceGrpc.newBlockingStub(fulfillingChannel)
                .getOrder(GetOrderRequest.newBuilder().setId(text("order-id")).build());
        assertThat(order.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_DELIVERED);
        assertThat(order.getUserId()).isEqualTo(bob.getId());
        // The form's defaults, as the page sent them.
        assertThat(order.getItemsList()).containsExactly(item("apples", 2, 1, 500_000_000),
                item("bread", 1, 2, 350_000_000), item("milk", 3, 0, 990_000_000));
        assertThat(order.getDeliveryAddress()).isEqualTo(Address.newBuilder().setStreet("Main St").setNumber("1")
                .setCity("Utrecht").setPostalCode("1234 AB").build());
        assertThat(order.getTotal()).isEqualTo(eur(8, 320_000_000));
        assertThat(text("order-total")).isEqualTo("EUR 8.32");
        assertThat(browser.findElement(By.id("cancel-order")).isEnabled()).isFalse();
    }

    @Test
    void cancelOrder_showsCancelled() {
        User cleo = createUser(stillChannel, "Cleo", "cleo@example.com");
        open(still);
        pick(cleo);
        browser.findElement(By.id("register-order")).click();
        waitUntil("the order placed", driver -> timeline().equals(List.of("ORDER_STATUS_PLACED")));
        WebElement cancel = browser.findElement(By.id("cancel-order"));
        assertThat(cancel.isEnabled()).isTrue();

        cancel.click();
        waitUntil("the order cancelled",
                driver -> timeline().equals(List.of("ORDER_STATUS_PLACED", "ORDER_STATUS_CANCELLED")));
        assertThat(cancel.isEnabled()).isFalse();
        assertThat(OrderServiceGrpc.newBlockingStub(stillChannel)
                .getOrder(GetOrderRequest.newBuilder().setId(text("order-id")).build()).getStatus())
                .isEqualTo(OrderStatus.ORDER_STATUS_CANCELLED);
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
    }

    @Test
    void createUser_withABadEmail_showsTheServersMessage() {
        // What the server answers this user over gRPC is what the page must show, word for word.
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> createUser(fulfillingChannel, "Dora", "dora-at-example"));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        List<User> before = listUsers(fulfillingChannel);

        open(fulfilling);
        browser.findElement(By.id("display-name")).sendKeys("Dora");
        browser.findElement(By.id("email")).sendKeys("dora-at-example");
        browser.findElement(By.id("create-user")).click();

        waitUntil("an error shown", driver -> driver.findElement(By.id("error")).isDisplayed());
        assertThat(text("error")).isEqualTo(refused.getStatus().getDescription())
                .isEqualTo("invalid request: user.email: must be an email address like name@example.com, "
                        + "was 'dora-at-example'");
        assertThat(listUsers(fulfillingChannel)).isEqualTo(before);
    }

    @Test
    void watchOrder_refusedBeforeItStarts_reportsTheServersMessage() {
        // The page has no way to watch an order that does not exist, so this calls its api.js directly: an HTTP
        // error before the stream begins, whose body EventSource does not show, still ends in the server's message.
        String unknown = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> OrderServiceGrpc.newBlockingStub(fulfillingChannel)
                        .watchOrder(WatchOrderRequest.newBuilder().setId(unknown).build()).hasNext());
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

        open(fulfilling);
        Object reported = ((JavascriptExecutor) browser).executeAsyncScript("""
                const [orderId, done] = arguments;
                import('/api.js').then((api) => api.watchOrder(orderId, {
                  onMessage: () => done('a message arrived'),
                  onError: (error) => done(error.message),
                }));
                """, unknown);
        assertThat(reported).isEqualTo(refused.getStatus().getDescription())
                .isEqualTo("order '" + unknown + "' does not exist");
    }

    // --- the page, as a person uses it ---

    /** Opens the page and waits until its list of users has loaded (the stream showed a user or ended). */
    private static void open(TestServer server) {
        browser.get("http://127.0.0.1:" + server.httpPort() + "/");
        assertThat(browser.getTitle()).as("the title of / (a refused or missing page instead? it shows: %s)",
                browser.findElement(By.tagName("body")).getText()).isEqualTo("grocer");
        waitUntil("the list of users loaded", driver -> !driver.findElements(By.cssSelector("#users li")).isEmpty()
                || driver.findElement(By.id("users-empty")).isDisplayed()
                || driver.findElement(By.id("error")).isDisplayed());
        assertThat(text("error")).as("the page's error after loading").isEmpty();
    }

    private static void pick(User user) {
        By radio = By.cssSelector("#users li[data-id='" + user.getId() + "'] input");
        waitUntil(user.getDisplayName() + " in the list", driver -> !driver.findElements(radio).isEmpty());
        browser.findElement(radio).click();
        assertThat(text("order-user")).isEqualTo(user.getDisplayName() + " <" + user.getEmail() + ">");
    }

    private static List<String> userLabels() {
        return browser.findElements(By.cssSelector("#users li")).stream().map(WebElement::getText).toList();
    }

    private static List<String> timeline() {
        return browser.findElements(By.cssSelector("#timeline li")).stream()
                .map(item -> item.getDomAttribute("data-status")).toList();
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** Waits for {@code condition}; if it never holds, the failure says what was awaited and what the page shows. */
    private static void waitUntil(String what, Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, PATIENCE, Duration.ofMillis(50))
                .withMessage(() -> what + "; the page at " + browser.getCurrentUrl() + " shows:\n"
                        + browser.findElement(By.tagName("body")).getText())
                .until(condition::apply);
    }

    // --- the server, over gRPC ---

    private static User createUser(ManagedChannel channel, String displayName, String email) {
        return UserServiceGrpc.newBlockingStub(channel).createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName(displayName).setEmail(email)).build());
    }

    private static List<User> listUsers(ManagedChannel channel) {
        List<User> users = new ArrayList<>();
        UserServiceGrpc.newBlockingStub(channel).listUsers(ListUsersRequest.getDefaultInstance())
                .forEachRemaining(response -> users.add(response.getUser()));
        return users;
    }

    private static OrderItem item(String product, int quantity, long units, int nanos) {
        return OrderItem.newBuilder().setProduct(product).setQuantity(quantity).setUnitPrice(eur(units, nanos)).build();
    }

    private static Money eur(long units, int nanos) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(nanos).build();
    }
}
