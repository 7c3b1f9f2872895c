package dev.grocer.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import tools.jackson.databind.JsonNode;

import dev.grocer.grpc.server.GrpcNettyTest.SwitchableHealth;
import dev.grocer.testing.RecordingObserver;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;

/**
 * gRPC health and actuator readiness tell the same story, from actuator to gRPC: a readiness component
 * going DOWN, or the readiness state refusing traffic, is NOT_SERVING to Check and Watch, and back.
 * (From the gRPC server to actuator, and shutdown, see {@link GrpcShutdownTest}.)
 */
@GrpcNettyTest
class GrpcHealthTest {

    private static final HealthCheckRequest SERVER = HealthCheckRequest.getDefaultInstance();
    private static final HealthCheckRequest USER_SERVICE =
            HealthCheckRequest.newBuilder().setService("grocer.user.v1.UserService").build();

    @Autowired
    GrpcServerStatus serverStatus;

    @Autowired
    SwitchableHealth switchable;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    TestRestTemplate http;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", serverStatus.port()).usePlaintext().build();
    }

    @AfterEach
    void restoreAndDisconnect() throws InterruptedException {
        switchable.set(Status.UP);
        AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        await().until(() -> check(SERVER) == ServingStatus.SERVING);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private ServingStatus check(HealthCheckRequest request) {
        return HealthGrpc.newBlockingStub(channel).check(request).getStatus();
    }

    private ResponseEntity<JsonNode> readiness() {
        return http.getForEntity("/actuator/health/readiness", JsonNode.class);
    }

    @Test
    void readinessComponentDown_isNotServingToCheckAndWatch_andServingAgainWhenUp() {
        RecordingObserver<HealthCheckRequest, HealthCheckResponse> watch = RecordingObserver.autoFlowControl();
        HealthGrpc.newStub(channel).watch(USER_SERVICE, watch);
        await().until(() -> watch.values().size() == 1);

        switchable.set(Status.DOWN);
        await().until(() -> watch.values().size() == 2);
        ResponseEntity<JsonNode> down = readiness();

        assertThat(check(SERVER)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check(USER_SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(down.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(down.getBody().path("status").asText()).isEqualTo("DOWN");
        assertThat(down.getBody().path("components").path("switchable").path("status").asText()).isEqualTo("DOWN");

        switchable.set(Status.UP);
        await().until(() -> watch.values().size() == 3);
        watch.cancel();

        assertThat(watch.values()).extracting(HealthCheckResponse::getStatus)
                .containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING);
        assertThat(check(SERVER)).isEqualTo(ServingStatus.SERVING);
        assertThat(readiness().getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void readinessStateRefusingTraffic_isNotServingAtOnce_andServingAgainWhenAccepting() {
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        ServingStatus refusing = check(SERVER);
        ServingStatus refusingService = check(USER_SERVICE);
        ResponseEntity<JsonNode> refusingReadiness = readiness();
        AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);

        assertThat(refusing).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(refusingService).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(refusingReadiness.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(refusingReadiness.getBody().path("components").path("readinessState").path("status").asText())
                .isEqualTo("OUT_OF_SERVICE");
        assertThat(check(SERVER)).isEqualTo(ServingStatus.SERVING);
        assertThat(readiness().getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void liveness_staysUpWhileReadinessIsDown() {
        switchable.set(Status.DOWN);
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);

        ResponseEntity<JsonNode> liveness = http.getForEntity("/actuator/health/liveness", JsonNode.class);

        assertThat(liveness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(liveness.getBody().path("components").propertyNames()).containsExactly("livenessState");
    }
}
