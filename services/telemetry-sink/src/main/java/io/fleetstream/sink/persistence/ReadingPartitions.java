package io.fleetstream.sink.persistence;

import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates the monthly partitions of {@code telemetry.readings} before a batch writes into a month. Creation runs in its
 * own short transaction, serialised across sink instances by a transaction-scoped advisory lock, so that the batch
 * transaction never holds the parent-table lock that {@code CREATE TABLE ... PARTITION OF} takes.
 */
@ApplicationScoped
public class ReadingPartitions {

    /** Advisory lock key shared by every sink instance for partition creation ("fs-part" in ASCII). */
    static final long LOCK_KEY = 0x66732d70617274L;

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("uuuuMM");

    private final AgroalDataSource dataSource;
    private final Set<YearMonth> known = ConcurrentHashMap.newKeySet();

    public ReadingPartitions(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The partition name for one UTC month, e.g. {@code readings_p201301}. */
    public static String partitionName(YearMonth month) {
        return "readings_p" + SUFFIX.format(month);
    }

    /** Makes sure a partition exists for each month; months created or seen before are skipped without a query. */
    public void ensure(Collection<YearMonth> months) throws SQLException {
        List<YearMonth> missing =
                months.stream().filter(month -> !known.contains(month)).toList();
        if (missing.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                for (YearMonth month : missing) {
                    statement.execute("CREATE TABLE IF NOT EXISTS telemetry." + partitionName(month)
                            + " PARTITION OF telemetry.readings FOR VALUES FROM ('" + month.atDay(1) + " 00:00:00+00')"
                            + " TO ('" + month.plusMonths(1).atDay(1) + " 00:00:00+00')");
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
        known.addAll(missing);
        Log.debugf("readings partitions ensured for %s", missing);
    }

    /** Forgets the cached months, e.g. after an insert found no partition because one was dropped by hand. */
    public void forget() {
        known.clear();
    }
}
