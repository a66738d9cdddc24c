package io.fleetstream.query.persistence;

import io.fleetstream.query.auth.Operator;
import io.fleetstream.query.domain.AlertFilter;
import io.fleetstream.query.domain.Cursor;
import io.fleetstream.query.domain.PageRequest;
import io.fleetstream.query.domain.Views.Acknowledgement;
import io.fleetstream.query.domain.Views.AlertDetail;
import io.fleetstream.query.domain.Views.AlertEventItem;
import io.fleetstream.query.domain.Views.AlertItem;
import io.fleetstream.query.domain.Views.Page;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.fleetstream.query.persistence.Database.instant;
import static io.fleetstream.query.persistence.Database.nullableDouble;
import static io.fleetstream.query.persistence.Database.timestamp;

/**
 * Alerts as the sink stored them (schema {@code telemetry}, read only) joined with the acknowledgements this service
 * owns (schema {@code query}). State: cleared when {@code cleared_at} is set, else acknowledged when an
 * acknowledgement exists, else open.
 */
@ApplicationScoped
public class AlertStore {

    static final String ALERTS_CURSOR = "a";

    /** Audit action of an acknowledgement. */
    static final String ACKNOWLEDGE = "alert.acknowledge";

    private static final String SELECT = "SELECT a.alert_id, a.device_id, a.device_type, a.rule_id, a.rule_name,"
            + " a.rule_kind, a.severity, a.metric, a.raised_at, a.raise_value, a.cleared_at, a.clear_value, a.cause,"
            + " k.acknowledged_at, k.key_id, k.key_name, k.note"
            + " FROM telemetry.alerts a LEFT JOIN query.alert_acknowledgements k ON k.alert_id = a.alert_id";

    private final Database db;

    public AlertStore(Database db) {
        this.db = db;
    }

    /** Alert cursors continue one filtered list: every filter of {@code filter} is part of the cursor's scope. */
    public static Cursor.Scope cursorScope(AlertFilter filter) {
        return Cursor.Scope.of(
                ALERTS_CURSOR,
                Cursor.filters(
                        "deviceId",
                        filter.deviceId(),
                        "ruleId",
                        filter.ruleId(),
                        "severity",
                        filter.severity(),
                        "state",
                        filter.states(),
                        "from",
                        filter.raisedFrom(),
                        "to",
                        filter.raisedTo()));
    }

    /** Newest raisedAt first; alerts raised at the same instant are ordered by alert id. */
    public Page<AlertItem> alerts(AlertFilter filter, PageRequest page) {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE true");
        List<Object> args = new ArrayList<>();
        if (filter.deviceId() != null) {
            sql.append(" AND a.device_id = ?");
            args.add(filter.deviceId());
        }
        if (filter.ruleId() != null) {
            sql.append(" AND a.rule_id = ?");
            args.add(filter.ruleId());
        }
        if (filter.severity() != null) {
            sql.append(" AND a.severity = ?");
            args.add(filter.severity());
        }
        if (!filter.states().isEmpty()) {
            List<String> conditions = new ArrayList<>();
            if (filter.states().contains("open")) {
                conditions.add("(a.cleared_at IS NULL AND k.alert_id IS NULL)");
            }
            if (filter.states().contains("acknowledged")) {
                conditions.add("(a.cleared_at IS NULL AND k.alert_id IS NOT NULL)");
            }
            if (filter.states().contains("cleared")) {
                conditions.add("a.cleared_at IS NOT NULL");
            }
            sql.append(" AND (").append(String.join(" OR ", conditions)).append(')');
        }
        TelemetryQueries.range(sql, args, "a.raised_at", filter.raisedFrom(), filter.raisedTo());
        if (page.after() != null) {
            sql.append(" AND (a.raised_at < ? OR (a.raised_at = ? AND a.alert_id > ?))");
            args.add(timestamp(page.after().at()));
            args.add(timestamp(page.after().at()));
            args.add(page.after().id() == null ? "" : page.after().id());
        }
        sql.append(" ORDER BY a.raised_at DESC, a.alert_id LIMIT ?");
        args.add(page.limit() + 1);
        List<AlertItem> items = new ArrayList<>();
        List<Instant> keys = new ArrayList<>();
        db.query(sql.toString(), args, rows -> {
            keys.add(instant(rows, 9));
            items.add(item(rows));
        });
        return TelemetryQueries.page(
                items,
                page.limit(),
                last -> page.cursorAfter(keys.get(last), items.get(last).alertId()));
    }

    /** One alert and its transitions, or empty when the sink has stored no such alert. */
    public Optional<AlertDetail> alert(String alertId) {
        return db.inTransaction(Connection.TRANSACTION_REPEATABLE_READ, true, connection -> {
            Optional<AlertItem> alert = find(connection, alertId);
            if (alert.isEmpty()) {
                return Optional.empty();
            }
            List<AlertEventItem> events = new ArrayList<>();
            db.each(
                    connection,
                    "SELECT state, event_time, window_start, value, threshold, cause FROM telemetry.alert_events"
                            + " WHERE alert_id = ? ORDER BY event_time, state DESC",
                    List.of(alertId),
                    rows -> events.add(new AlertEventItem(
                            rows.getString(1),
                            instant(rows, 2).toString(),
                            instant(rows, 3).toString(),
                            rows.getDouble(4),
                            rows.getDouble(5),
                            rows.getString(6))));
            return Optional.of(new AlertDetail(alert.get(), List.copyOf(events)));
        });
    }

    /** The outcome of an acknowledgement: the alert as it now reads, and whether this call created the record. */
    public record Acknowledged(AlertItem alert, boolean created) {}

    /**
     * Records the first acknowledgement of an alert and audits it, in one transaction; a later call changes nothing and
     * returns the first acknowledgement. Empty when the alert does not exist.
     */
    public Optional<Acknowledged> acknowledge(String alertId, Operator operator, String note, Instant at) {
        return db.inTransaction(Connection.TRANSACTION_READ_COMMITTED, false, connection -> {
            Optional<AlertItem> before = find(connection, alertId);
            if (before.isEmpty()) {
                return Optional.empty();
            }
            boolean created;
            // Concurrent first acknowledgements serialise on the primary key; the loser sees the winner's row.
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO query.alert_acknowledgements"
                    + " (alert_id, acknowledged_at, key_id, key_name, note) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (alert_id) DO NOTHING")) {
                insert.setString(1, alertId);
                insert.setObject(2, timestamp(at));
                insert.setString(3, operator.keyId());
                insert.setString(4, operator.name());
                insert.setString(5, note);
                created = insert.executeUpdate() == 1;
            }
            if (created) {
                try (PreparedStatement audit = connection.prepareStatement("INSERT INTO query.audit_log"
                        + " (occurred_at, key_id, key_name, role, action, target, detail)"
                        + " VALUES (?, ?, ?, ?, ?, ?, jsonb_build_object('note', ?::text, 'stateBefore', ?::text))")) {
                    audit.setObject(1, timestamp(at));
                    audit.setString(2, operator.keyId());
                    audit.setString(3, operator.name());
                    audit.setString(4, operator.role().name());
                    audit.setString(5, ACKNOWLEDGE);
                    audit.setString(6, alertId);
                    audit.setString(7, note);
                    audit.setString(8, before.get().state());
                    audit.executeUpdate();
                }
            }
            return Optional.of(new Acknowledged(find(connection, alertId).orElseThrow(), created));
        });
    }

    private Optional<AlertItem> find(Connection connection, String alertId) throws SQLException {
        List<AlertItem> found = new ArrayList<>();
        db.each(connection, SELECT + " WHERE a.alert_id = ?", List.of(alertId), rows -> found.add(item(rows)));
        return found.stream().findFirst();
    }

    private static AlertItem item(ResultSet rows) throws SQLException {
        Instant raisedAt = instant(rows, 9);
        Instant clearedAt = instant(rows, 11);
        Instant acknowledgedAt = instant(rows, 14);
        Acknowledgement acknowledgement = acknowledgedAt == null
                ? null
                : new Acknowledgement(
                        acknowledgedAt.toString(), rows.getString(15), rows.getString(16), rows.getString(17));
        String state = clearedAt != null ? "cleared" : acknowledgement != null ? "acknowledged" : "open";
        return new AlertItem(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getString(4),
                rows.getString(5),
                rows.getString(6),
                rows.getString(7),
                rows.getString(8),
                state,
                raisedAt.toString(),
                nullableDouble(rows, 10),
                clearedAt == null ? null : clearedAt.toString(),
                nullableDouble(rows, 12),
                rows.getString(13),
                acknowledgement);
    }
}
