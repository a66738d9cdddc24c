package io.fleetstream.sink.persistence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class DataErrorsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "22021", // invalid byte sequence, e.g. NUL in text
                "22P05", // unsupported Unicode escape, e.g. \u0000 in jsonb
                "22003", // numeric value out of range
                "22007", // invalid datetime format
                "22008", // datetime field overflow
                "22P02", // invalid text representation
                "23502", // not-null violation
                "23503", // foreign key violation
                "23505", // unique violation that no ON CONFLICT covers
                "54000", // value too large, e.g. an index entry over the B-tree limit
            })
    void refusesRowForDataExceptionsAndIntegrityViolations(String state) {
        assertThat(DataErrors.isAboutData(server(state, "refused", null))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "40001", // serialization failure
                "40P01", // deadlock
                "53100", // disk full
                "53200", // out of memory
                "53300", // too many connections
                "57P01", // admin shutdown
                "57P03", // cannot connect now (starting up)
                "57014", // query cancelled, e.g. statement timeout
                "08006", // connection failure
                "42P01", // undefined table
                "21000", // cardinality violation: a bug of the batch, not a row's value
                "25P02", // transaction aborted
                "54001", // statement too complex
                "XX000", // internal error
            })
    void retriesBatchForFailuresNotAboutData(String state) {
        assertThat(DataErrors.isAboutData(server(state, "failed", null))).isFalse();
    }

    @Test
    void retriesMissingPartitionButRefusesNamedCheckConstraint() {
        SQLException noPartition = server("23514", "no partition of relation \"readings\" found for row", null);
        SQLException namedCheck = server("23514", "new row violates check constraint", "value_is_finite");

        assertThat(DataErrors.isAboutData(noPartition)).isFalse();
        assertThat(DataErrors.isAboutData(namedCheck)).isTrue();
        // Without the server's report there is no telling which it was; retrying never loses a record.
        assertThat(DataErrors.isAboutData(new SQLException("check", "23514"))).isFalse();
    }

    @Test
    void retriesErrorsRaisedByTheDriverWithoutDataState() {
        assertThat(DataErrors.isAboutData(
                        new PSQLException("connection refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT)))
                .isFalse();
        assertThat(DataErrors.isAboutData(new SQLTransientConnectionException("pool exhausted")))
                .isFalse();
    }

    @Test
    void looksThroughWrappersForTheServerReport() {
        SQLException wrapped = new SQLException("wrapped", "23514", server("23514", "check", "value_is_finite"));

        assertThat(DataErrors.isAboutData(wrapped)).isTrue();
    }

    @Test
    void describesTableColumnStateMessageAndDetail() {
        SQLException notNull = new PSQLException(new ServerErrorMessage(
                "SERROR\0C23502\0Mnull value in column \"device_type\" violates not-null constraint\0"
                        + "DFailing row contains (dev-1, null).\0stelemetry\0twindow_aggregates\0cdevice_type\0"));
        SQLException nul = server("22021", "invalid byte sequence for encoding \"UTF8\": 0x00", null);

        assertThat(DataErrors.describe("telemetry.window_aggregates", notNull))
                .isEqualTo("PostgreSQL refused the record: table telemetry.window_aggregates, column device_type,"
                        + " SQLSTATE 23502: null value in column \"device_type\" violates not-null constraint"
                        + " (Failing row contains (dev-1, null).)");
        assertThat(DataErrors.describe("telemetry.readings", nul))
                .isEqualTo("PostgreSQL refused the record: table telemetry.readings, SQLSTATE 22021:"
                        + " invalid byte sequence for encoding \"UTF8\": 0x00");
    }

    private static SQLException server(String state, String message, String constraint) {
        return new PSQLException(new ServerErrorMessage(
                "SERROR\0C" + state + "\0M" + message + "\0" + (constraint == null ? "" : "n" + constraint + "\0")));
    }
}
