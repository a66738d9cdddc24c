package io.fleetstream.query.persistence;

import io.fleetstream.query.config.AggregationSettings;
import io.fleetstream.query.domain.Bucket;
import io.fleetstream.query.domain.Cursor;
import io.fleetstream.query.domain.PageRequest;
import io.fleetstream.query.domain.Views.BucketItem;
import io.fleetstream.query.domain.Views.BucketPage;
import io.fleetstream.schema.WindowSizes;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.fleetstream.query.persistence.Database.instant;
import static io.fleetstream.query.persistence.Database.timestamp;

/**
 * Buckets of one device's metric, combined from stored window aggregates (count, sum, min and max combine exactly; avg
 * is sum / count), or from raw readings when no stored window size nests in the buckets.
 *
 * <p>The source is the coarsest configured window size that divides the bucket, lines up with the zone's UTC offsets
 * over the range (day buckets only), and has at least one stored window in the range; the fewer rows, the cheaper, and
 * every fitting size gives the same sums once its windows are closed. When sizes fit but none holds data, the finest
 * fitting size is named and the page is empty. Each page scans at most {@code limit + 1} buckets' worth of rows; a page
 * may therefore hold fewer than {@code limit} buckets while {@code hasMore} is true, and {@code nextCursor} then skips
 * straight to the next bucket with data.
 */
@ApplicationScoped
public class AggregateQueries {

    static final String BUCKETS_CURSOR = "b";

    /** Range assumed for the zone offset check when the request leaves from or to open. */
    static final Instant OPEN_FROM = Instant.parse("1970-01-01T00:00:00Z");

    static final Instant OPEN_TO = Instant.parse("2100-01-01T00:00:00Z");

    /** Source name of raw readings. */
    public static final String READINGS = "readings";

    private final Database db;
    private final List<Duration> windowSizes;

    public AggregateQueries(Database db, AggregationSettings aggregation) {
        this.db = db;
        this.windowSizes = aggregation.coarsestFirst();
    }

    /** Bucket cursors continue one series in one bucket size and zone over one time range. */
    public static Cursor.Scope cursorScope(String deviceId, String metric, Bucket bucket, Instant from, Instant to) {
        return Cursor.Scope.of(
                BUCKETS_CURSOR,
                Cursor.filters(
                        "deviceId",
                        deviceId,
                        "metric",
                        metric,
                        "bucket",
                        bucket.label(),
                        "tz",
                        bucket.zoneName(),
                        "from",
                        from,
                        "to",
                        to));
    }

    /**
     * One page of non-empty buckets whose start lies in {@code [from, to)}, each complete (its windows or readings
     * up to its end, even past {@code to}), ascending.
     *
     * @param page its cursor, when given, points at the bucket start to resume at
     */
    public BucketPage buckets(
            String deviceId, String metric, Bucket bucket, Instant from, Instant to, PageRequest page) {
        Instant resumeAt = page.after() == null ? null : page.after().at();
        int limit = page.limit();
        Instant requested = from == null ? null : bucket.ceil(from);
        Instant lo = resumeAt != null && (requested == null || resumeAt.isAfter(requested)) ? resumeAt : requested;
        Instant hi = to == null ? null : bucket.ceil(to);
        Instant checkFrom = lo == null ? OPEN_FROM : lo;
        Instant checkTo = hi == null ? OPEN_TO : hi;
        return db.inTransaction(Connection.TRANSACTION_REPEATABLE_READ, true, connection -> {
            Source source = chooseSource(connection, deviceId, metric, bucket, checkFrom, checkTo, lo, hi);
            Instant start = lo != null
                    ? lo
                    : firstRow(connection, source, deviceId, metric, null, hi)
                            .map(bucket::floor)
                            .orElse(null);
            if (start == null) {
                return new BucketPage(List.of(), null, false, source.name());
            }
            Instant spanEnd = bucket.plus(start, limit + 1L);
            Instant scanTo = hi != null && hi.isBefore(spanEnd) ? hi : spanEnd;
            List<BucketItem> items = new ArrayList<>();
            List<Instant> starts = new ArrayList<>();
            db.each(connection, source.sql(bucket), source.args(bucket, deviceId, metric, start, scanTo), rows -> {
                Instant bucketStart = bucketStart(bucket, rows);
                long count = rows.getLong(2);
                double sum = rows.getDouble(5);
                starts.add(bucketStart);
                items.add(new BucketItem(
                        bucketStart.toString(),
                        bucket.plus(bucketStart, 1).toString(),
                        count,
                        rows.getDouble(3),
                        rows.getDouble(4),
                        sum,
                        sum / count));
            });
            if (items.size() > limit) {
                return new BucketPage(
                        List.copyOf(items.subList(0, limit)),
                        page.cursorAfter(starts.get(limit), null),
                        true,
                        source.name());
            }
            if (scanTo.equals(hi)) {
                return new BucketPage(List.copyOf(items), null, false, source.name());
            }
            Optional<Instant> next = firstRow(connection, source, deviceId, metric, scanTo, hi);
            return next.map(ts -> new BucketPage(
                            List.copyOf(items), page.cursorAfter(bucket.floor(ts), null), true, source.name()))
                    .orElseGet(() -> new BucketPage(List.copyOf(items), null, false, source.name()));
        });
    }

    private Source chooseSource(
            Connection connection,
            String deviceId,
            String metric,
            Bucket bucket,
            Instant checkFrom,
            Instant checkTo,
            Instant lo,
            Instant hi)
            throws SQLException {
        Source finest = null;
        for (Duration size : windowSizes) {
            if (!bucket.builtExactlyFrom(size, checkFrom, checkTo)) {
                continue;
            }
            Source candidate = new Source(size);
            if (firstRow(connection, candidate, deviceId, metric, lo, hi).isPresent()) {
                return candidate;
            }
            finest = candidate;
        }
        return finest != null ? finest : new Source(null);
    }

    /** The earliest row time of the source in {@code [from, to)} (either bound may be open). */
    private Optional<Instant> firstRow(
            Connection connection, Source source, String deviceId, String metric, Instant from, Instant to)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(source.timeColumn())
                .append(" FROM ")
                .append(source.table())
                .append(" WHERE device_id = ? AND metric = ?");
        List<Object> args = new ArrayList<>(List.of(deviceId, metric));
        if (source.size() != null) {
            sql.append(" AND window_size_seconds = ?");
            args.add((int) source.size().toSeconds());
        }
        TelemetryQueries.range(sql, args, source.timeColumn(), from, to);
        sql.append(" ORDER BY ").append(source.timeColumn()).append(" LIMIT 1");
        List<Instant> found = new ArrayList<>();
        db.each(connection, sql.toString(), args, rows -> found.add(instant(rows, 1)));
        return found.stream().findFirst();
    }

    private static Instant bucketStart(Bucket bucket, ResultSet rows) throws SQLException {
        if (bucket.isDay()) {
            return bucket.startOf(rows.getObject(1, LocalDate.class));
        }
        return bucket.startOf(rows.getLong(1));
    }

    /** Stored window aggregates of one size, or raw readings when {@code size} is null. */
    private record Source(Duration size) {

        String name() {
            return size == null ? READINGS : "aggregates:" + WindowSizes.label(size);
        }

        String table() {
            return size == null ? "telemetry.readings" : "telemetry.window_aggregates";
        }

        String timeColumn() {
            return size == null ? "ts" : "window_start";
        }

        /** Groups rows by bucket: a UTC bucket index, or the local date of the zone for day buckets. */
        String sql(Bucket bucket) {
            String time = timeColumn();
            String key = bucket.isDay()
                    ? "(" + time + " AT TIME ZONE ?)::date"
                    : "floor(extract(epoch FROM " + time + ") / ?)::bigint";
            String stats = size == null
                    ? "count(*), min(value), max(value), sum(value)"
                    : "sum(count)::bigint, min(min), max(max), sum(sum)";
            return "SELECT " + key + " AS bucket, " + stats + " FROM " + table()
                    + " WHERE device_id = ? AND metric = ?"
                    + (size == null ? "" : " AND window_size_seconds = ?")
                    + " AND " + time + " >= ? AND " + time + " < ? GROUP BY 1 ORDER BY 1";
        }

        List<Object> args(Bucket bucket, String deviceId, String metric, Instant from, Instant to) {
            List<Object> args = new ArrayList<>();
            args.add(bucket.isDay() ? bucket.zoneName() : (Object) bucket.size().toSeconds());
            args.add(deviceId);
            args.add(metric);
            if (size != null) {
                args.add((int) size.toSeconds());
            }
            args.add(timestamp(from));
            args.add(timestamp(to));
            return args;
        }
    }
}
