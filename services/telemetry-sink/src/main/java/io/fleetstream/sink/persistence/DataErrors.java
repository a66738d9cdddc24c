package io.fleetstream.sink.persistence;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;

/**
 * Tells a write failure caused by the values of a row apart from one caused by the database being unable to work, by
 * SQLSTATE. Only the first kind justifies taking a record out of the stream (dead-lettering it): retrying it can never
 * succeed. Every other failure (connection lost, server shutting down, serialization failure, deadlock, disk full,
 * missing table) is retried with the whole batch, because the same record will be stored once the database recovers.
 */
public final class DataErrors {

    /** Class 22, data exception: a value PostgreSQL cannot take, e.g. NUL in text, a number or date out of range. */
    private static final String DATA_EXCEPTION = "22";

    /** Class 23, integrity constraint violation: a row breaking a NOT NULL, CHECK, UNIQUE or foreign key rule. */
    private static final String INTEGRITY_VIOLATION = "23";

    /** CHECK violation; also raised, without a constraint name, when no partition of a table takes the row. */
    private static final String CHECK_VIOLATION = "23514";

    /**
     * Program limit exceeded in general, which PostgreSQL raises for a value too large for what holds it, e.g. an
     * index entry over the B-tree size limit because of a huge device id. The specific limits of class 54 (statement
     * too complex, too many columns or arguments) concern the statement, not a row, and stay retryable.
     */
    private static final String VALUE_TOO_LARGE = "54000";

    private DataErrors() {}

    /** True if PostgreSQL refused the values of a row, so writing the same row again would fail the same way. */
    public static boolean isAboutData(SQLException error) {
        String state = error.getSQLState();
        if (state == null || state.length() != 5) {
            return false;
        }
        if (state.startsWith(DATA_EXCEPTION)) {
            return true;
        }
        if (CHECK_VIOLATION.equals(state)) {
            // The sink declares no CHECK constraint, and a missing readings partition (dropped by hand, or a cache
            // out of date) is repaired by the retry, which creates the partition again. Only a violation that names
            // its constraint is about the row.
            ServerErrorMessage server = serverMessage(error);
            return server != null && server.getConstraint() != null;
        }
        // Conflicts on the identities the sink stores are resolved by ON CONFLICT and never reach here.
        return state.startsWith(INTEGRITY_VIOLATION) || VALUE_TOO_LARGE.equals(state);
    }

    /**
     * The dead-letter reason for a row PostgreSQL refused: table, column when PostgreSQL names one, SQLSTATE and
     * PostgreSQL's message with its detail; no stack trace, no statement text.
     */
    public static String describe(String table, SQLException error) {
        ServerErrorMessage server = serverMessage(error);
        StringBuilder reason = new StringBuilder("PostgreSQL refused the record: table ").append(table);
        if (server != null && server.getColumn() != null) {
            reason.append(", column ").append(server.getColumn());
        }
        reason.append(", SQLSTATE ").append(error.getSQLState()).append(": ");
        if (server == null) {
            reason.append(error.getMessage());
        } else {
            reason.append(server.getMessage());
            if (server.getDetail() != null) {
                reason.append(" (").append(server.getDetail()).append(')');
            }
        }
        return reason.toString();
    }

    /** PostgreSQL's structured error report, if the error or one of its causes came from the server. */
    private static ServerErrorMessage serverMessage(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException postgres && postgres.getServerErrorMessage() != null) {
                return postgres.getServerErrorMessage();
            }
        }
        return null;
    }
}
