package dev.grocer.tracing;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

import dev.grocer.store.CurrentCall;
import io.opentelemetry.api.trace.Span;

/**
 * The store's data source with statement spans where they can be seen: a connection taken inside a sampled trace,
 * or by the server's own work (a fulfilment step opens its span inside the poll's transaction), comes from
 * OpenTelemetry's JDBC instrumentation; a connection taken for a gRPC call that is not traced is the plain one, so
 * its statements do not each pay for a span that the sampler then drops. Statements outside any trace start none
 * ({@link StatementSampler}).
 */
final class StatementTracingDataSource extends DelegatingDataSource {

    private final DataSource traced;
    private final CurrentCall call;

    StatementTracingDataSource(DataSource plain, DataSource traced, CurrentCall call) {
        super(plain);
        this.traced = traced;
        this.call = call;
    }

    private boolean traced() {
        return Span.current().getSpanContext().isSampled() || !call.active();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return traced() ? traced.getConnection() : super.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return traced() ? traced.getConnection(username, password) : super.getConnection(username, password);
    }
}
