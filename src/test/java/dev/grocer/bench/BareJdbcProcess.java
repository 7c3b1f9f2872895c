package dev.grocer.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * The {@link BareJdbc} loop in a process of its own, driven one run at a time over its standard input and
 * stopped by its PID. Its CPU time is read as {@link ServerProcess} reads grocer's: the whole process, every
 * thread (the loop's, HikariCP's, the JIT's and the collector's), from /proc.
 */
final class BareJdbcProcess implements AutoCloseable {

    /** One run: what the load generator reports for grocer, and the loop's own wait for a pooled connection. */
    record Run(LoadGenerator.Result result, long acquires, long acquireNanos) {}

    private final Process process;
    private final BufferedReader answers;
    private final PrintStream commands;
    private final int poolSize;

    private BareJdbcProcess(Process process, BufferedReader answers, PrintStream commands, int poolSize) {
        this.process = process;
        this.answers = answers;
        this.commands = commands;
        this.poolSize = poolSize;
    }

    /**
     * Starts the loop with a pool of {@code poolSize} connections to {@code jdbcUrl} and the ids of the users
     * to read, and waits until its pool is filled.
     */
    static BareJdbcProcess start(List<String> jvmOptions, String jdbcUrl, String username, long poolSize,
            List<String> ids, Path dir) throws IOException {
        Path idsFile = dir.resolve("bare-jdbc-ids.txt");
        Files.write(idsFile, ids);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareJdbc.class.getName(), jdbcUrl,
                username, Long.toString(poolSize), idsFile.toString()));
        Path log = dir.resolve("bare-jdbc.log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        BufferedReader answers = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String ready = answers.readLine();
        if (ready == null || !ready.startsWith("ready ")) {
            process.destroyForcibly();
            throw new IllegalStateException("the bare JDBC loop did not start (" + ready + "); see " + log);
        }
        return new BareJdbcProcess(process, answers,
                new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8),
                Integer.parseInt(ready.substring("ready ".length())));
    }

    /** The pool size the loop's HikariCP reports. */
    int poolSize() {
        return poolSize;
    }

    /** Runs {@code operation} ("get" or "create") on {@code threads} threads for {@code duration}. */
    Run run(String operation, int threads, Duration duration) throws IOException {
        commands.println(operation + " " + threads + " " + duration.toMillis());
        String answer = answers.readLine();
        if (answer == null || !answer.startsWith("result ")) {
            throw new IllegalStateException("the bare JDBC loop answered " + answer + "; see its log");
        }
        String[] fields = answer.split(" ");
        Histogram latencies;
        try {
            latencies = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(fields[6])), TimeUnit.SECONDS.toNanos(60));
        } catch (DataFormatException e) {
            throw new IOException("the bare JDBC loop's histogram", e);
        }
        return new Run(new LoadGenerator.Result(Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                Long.parseLong(fields[3]) / 1e9, latencies), Long.parseLong(fields[4]), Long.parseLong(fields[5]));
    }

    /** CPU time the process has used so far (user and system, all threads), in nanoseconds. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + process.pid())).toNanos();
    }

    @Override
    public void close() throws InterruptedException {
        commands.println("quit");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
