package dev.grocer.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.grocer.store.CurrentCall;
import dev.grocer.testing.SpanList;
import dev.grocer.testing.TestPostgres;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * Which connection a statement runs on, against a real PostgreSQL: a call that is not traced gets the plain one (no
 * span made and dropped per statement), a traced call and the server's own work get OpenTelemetry's.
 */
class StatementTracingDataSourceTest {

    private static final SpanList spanList = new SpanList();
    private static final List<SpanData> exported = spanList.spans();
    /** A gRPC call in progress, as the store sees one. */
    private static final CurrentCall IN_A_CALL = new CurrentCall() {
        @Override
        public boolean active() {
            return true;
        }

        @Override
        public long nanosLeft() {
            return NO_DEADLINE;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Runnable onCancel(Runnable action) {
            return () -> {};
        }
    };
    private static TestPostgres postgres;
    private static OpenTelemetrySdk openTelemetry;

    @BeforeAll
    static void start() {
        postgres = TestPostgres.start();
        openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(new StatementSampler(Sampler.parentBased(Sampler.alwaysOn())))
                .addSpanProcessor(SimpleSpanProcessor.create(spanList)).build()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        openTelemetry.close();
        postgres.close();
    }

    private static DataSource dataSource(boolean inACall) {
        CurrentCall call = inACall ? IN_A_CALL : CurrentCall.NONE;
        DataSource plain = postgres.dataSource();
        return new StatementTracingDataSource(plain, JdbcTelemetry.create(openTelemetry).wrap(plain), call);
    }

    private static void select(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    @Test
    void aCallThatIsNotTraced_runsItsStatementsOnThePlainConnection() throws Exception {
        exported.clear();
        DataSource dataSource = dataSource(true);

        select(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getClass().getName()).doesNotContain("opentelemetry");
        }
        assertThat(exported).isEmpty();
    }

    @Test
    void aTracedCall_hasEachStatementAsAChildSpan() throws Exception {
        exported.clear();
        DataSource dataSource = dataSource(true);
        Span call = openTelemetry.getTracer("test").spanBuilder("call").setSpanKind(SpanKind.SERVER).startSpan();

        try (Scope ignored = call.makeCurrent()) {
            select(dataSource);
        } finally {
            call.end();
        }

        assertThat(exported).filteredOn(span -> span.getKind() == SpanKind.CLIENT).singleElement()
                .satisfies(span -> assertThat(span.getParentSpanId()).isEqualTo(call.getSpanContext().getSpanId()));
    }

    @Test
    void theServersOwnWork_getsTheTracedConnection_butAStatementAloneStartsNoTrace() throws Exception {
        exported.clear();
        DataSource dataSource = dataSource(false);

        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getClass().getName()).contains("opentelemetry");
        }
        select(dataSource);
        assertThat(exported).isEmpty();
    }
}
