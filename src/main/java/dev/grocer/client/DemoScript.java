package dev.grocer.client;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import com.google.type.Money;

import dev.grocer.order.v1.Address;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * How the demo talks to a person and judges each step: sections, one line per step, indented details, and the
 * checks that stop the demo with a one-line reason ({@link StepFailed}).
 */
final class DemoScript {

    private final PrintStream out;
    // Emails must be unique per server: every run of the demo gets its own.
    private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);

    DemoScript(PrintStream out) {
        this.out = out;
    }

    /** Thrown when a step does not behave as the demo expects; its message is the one-line reason. */
    static final class StepFailed extends RuntimeException {
        StepFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** Runs {@code call}, which must fail with {@code expected}, and prints the error as a client sees it. */
    void expectError(String step, Status.Code expected, Runnable call) {
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

    static void check(boolean ok, String reason) {
        if (!ok) {
            throw new StepFailed(reason);
        }
    }

    void section(String title) {
        out.println();
        out.println("== " + title);
    }

    void step(String rpc, String what) {
        out.println("[" + rpc + "] " + what);
    }

    void detail(String line) {
        out.println("    " + line);
    }

    /** An email address for {@code name} that no earlier run of the demo used. */
    String email(String name) {
        return name.toLowerCase().replace(' ', '.') + "+" + run + "@example.com";
    }

    static String money(Money money) {
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9))
                .stripTrailingZeros().toPlainString() + " " + money.getCurrencyCode();
    }

    static String address(Address a) {
        return a.getStreet() + " " + a.getNumber() + ", " + a.getPostalCode() + " " + a.getCity();
    }
}
