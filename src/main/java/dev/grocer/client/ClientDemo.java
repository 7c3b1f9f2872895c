package dev.grocer.client;

import java.io.PrintStream;
import java.util.List;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import dev.grocer.user.v1.User;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The {@code client} profile's walk-through: calls every RPC of the three services against a running
 * server and prints, step by step, what it sent and what came back, expected errors included. It
 * exits 0 only when every step behaved as expected, so it doubles as a smoke test of a deployment.
 * The steps are {@link UserSteps}, {@link OrderSteps}, {@link GreeterSteps} and {@link ClientPatternSteps}, in
 * that order; {@link DemoScript} prints them and stops at the first that misbehaves.
 */
@Component
@Profile("client")
class ClientDemo implements CommandLineRunner, ExitCodeGenerator {

    private final GrocerStubs stubs;
    private final ClientProperties properties;
    private final PrintStream out = System.out;
    private int exitCode;

    ClientDemo(GrocerStubs stubs, ClientProperties properties) {
        this.stubs = stubs;
        this.properties = properties;
    }

    @Override
    public void run(String... args) {
        if (properties.interactive()) {
            return; // the shell runs instead
        }
        DemoScript script = new DemoScript(out);
        UserSteps users = new UserSteps(stubs, script);
        OrderSteps orders = new OrderSteps(stubs, script);
        GreeterSteps greeter = new GreeterSteps(stubs, script);
        ClientPatternSteps patterns = new ClientPatternSteps(stubs, script, properties, orders);
        out.println("grocer client demo against " + properties.target());
        try {
            List<User> people = users.users();
            users.chat(people.get(0), people.get(1));
            orders.orders(people.get(0));
            greeter.greeter(people.get(1));
            patterns.fanOut(people);
            patterns.deadline(people.get(0));
            patterns.noServer();
            out.println();
            out.println("demo OK: every step behaved as expected");
        } catch (DemoScript.StepFailed e) {
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
}
