package io.fleetstream.query.persistence;

import io.agroal.api.AgroalDataSource;
import io.fleetstream.query.config.QuerySettings;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** JDBC plumbing shared by the stores: statement timeouts, transactions, and turning SQL failures into 503 or 500. */
@ApplicationScoped
public class Database {

    private final AgroalDataSource dataSource;
    private final int timeoutSeconds;

    public Database(AgroalDataSource dataSource, QuerySettings settings) {
        this.dataSource = dataSource;
        this.timeoutSeconds = (int) Math.max(1, settings.statementTimeout().toSeconds());
    }

    interface RowHandler {
        void accept(ResultSet rows) throws SQLException;
    }

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs one query on its own connection (auto-commit). */
    void query(String sql, List<?> args, RowHandler handler) {
        try (Connection connection = dataSource.getConnection()) {
            each(connection, sql, args, handler);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Runs {@code work} in one transaction at {@code isolation}, read-only if asked; rolls back on failure. */
    <T> T inTransaction(int isolation, boolean readOnly, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(isolation);
            connection.setReadOnly(readOnly);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    void each(Connection connection, String sql, List<?> args, RowHandler handler) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(timeoutSeconds);
            for (int i = 0; i < args.size(); i++) {
                statement.setObject(i + 1, args.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    handler.accept(rows);
                }
            }
        }
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }

    /** Outages and tables not created yet become 503; anything else is a server bug (500). */
    static RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("42P01") || state.equals("3F000")) {
            return new StoreUnavailableException(
                    "the telemetry tables do not exist yet (telemetry-sink creates them)", e);
        }
        if (state.isEmpty() || state.startsWith("08") || state.startsWith("53") || state.startsWith("57")) {
            return new StoreUnavailableException("PostgreSQL is unavailable: " + e.getMessage(), e);
        }
        return new IllegalStateException("query failed with SQLSTATE " + state, e);
    }
}
