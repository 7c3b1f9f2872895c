package dev.grocer.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The HTTP counterpart of {@link LoadGenerator}: a closed loop on the JDK's {@link HttpClient} over HTTP/1.1 (as a
 * browser or curl calls grocer's HTTP port), keeping {@code inFlight} requests outstanding, each on a connection of
 * its own, every completed one starting the next until the time is up. A reply other than 200 is an error.
 */
final class HttpLoadGenerator {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    LoadGenerator.Result run(Supplier<HttpRequest> request, int inFlight, Duration duration)
            throws InterruptedException {
        return LoadGenerator.closedLoop(inFlight, duration, (loop, done) -> client
                .sendAsync(request.get(), HttpResponse.BodyHandlers.ofByteArray())
                .whenComplete((response, error) -> done.accept(error == null && response.statusCode() == 200)));
    }
}
