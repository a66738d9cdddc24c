-- Store of record for telemetry, owned by telemetry-sink. Every insert is ON CONFLICT DO NOTHING on a natural key,
-- so replaying a Kafka batch never changes what is stored: the first value for an identity wins.

-- One row per metric value. Monthly partitions readings_pYYYYMM are created by the sink before it writes a month.
CREATE TABLE readings (
    device_id   text             NOT NULL,
    metric      text             NOT NULL,
    ts          timestamptz      NOT NULL,
    value       double precision NOT NULL,
    received_at timestamptz      NOT NULL,
    message_id  text,
    PRIMARY KEY (device_id, metric, ts)
) PARTITION BY RANGE (ts);

-- Free-form attributes sent with a reading, stored verbatim, once per (device, ts).
CREATE TABLE reading_attributes (
    device_id  text        NOT NULL,
    ts         timestamptz NOT NULL,
    attributes jsonb       NOT NULL,
    PRIMARY KEY (device_id, ts)
);

-- Final statistics of one metric of one device over one tumbling window.
CREATE TABLE window_aggregates (
    device_id           text             NOT NULL,
    device_type         text             NOT NULL,
    metric              text             NOT NULL,
    window_size_seconds integer          NOT NULL,
    window_start        timestamptz      NOT NULL,
    window_end          timestamptz      NOT NULL,
    count               bigint           NOT NULL,
    min                 double precision NOT NULL,
    max                 double precision NOT NULL,
    sum                 double precision NOT NULL,
    avg                 double precision NOT NULL,
    PRIMARY KEY (device_id, metric, window_size_seconds, window_start)
);

-- One row per alert episode; cleared_at stays null while the alert is open. raise_value and raise_threshold are
-- null only when the CLEARED event of an episode was stored without its RAISED event.
CREATE TABLE alerts (
    alert_id            text             PRIMARY KEY,
    device_id           text             NOT NULL,
    device_type         text             NOT NULL,
    rule_id             text             NOT NULL,
    rule_name           text             NOT NULL,
    severity            text             NOT NULL,
    metric              text             NOT NULL,
    aggregation         text             NOT NULL,
    window_size_seconds integer          NOT NULL,
    raised_at           timestamptz      NOT NULL,
    raise_value         double precision,
    raise_threshold     double precision,
    cleared_at          timestamptz,
    clear_value         double precision,
    clear_threshold     double precision
);

-- The query API lists alerts newest first with ties broken by alert id, optionally per device or rule.
CREATE INDEX alerts_raised_at_idx ON alerts (raised_at DESC, alert_id);
CREATE INDEX alerts_device_raised_at_idx ON alerts (device_id, raised_at DESC, alert_id);
CREATE INDEX alerts_rule_raised_at_idx ON alerts (rule_id, raised_at DESC, alert_id);
CREATE INDEX alerts_open_idx ON alerts (raised_at DESC, alert_id) WHERE cleared_at IS NULL;

-- Every transition as it was emitted: one RAISED and at most one CLEARED per alert.
CREATE TABLE alert_events (
    alert_id     text             NOT NULL,
    state        text             NOT NULL,
    event_time   timestamptz      NOT NULL,
    window_start timestamptz      NOT NULL,
    value        double precision NOT NULL,
    threshold    double precision NOT NULL,
    PRIMARY KEY (alert_id, state)
);
