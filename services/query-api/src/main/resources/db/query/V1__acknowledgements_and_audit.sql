-- Schema "query", owned by the query API. It never writes schema "telemetry" (owned by telemetry-sink); it joins
-- these tables with telemetry.alerts by alert id when it reads.

-- At most one acknowledgement per alert: the first one. Acknowledging again returns this row unchanged.
CREATE TABLE alert_acknowledgements (
    alert_id        text        PRIMARY KEY,
    acknowledged_at timestamptz NOT NULL,
    key_id          text        NOT NULL,
    key_name        text        NOT NULL,
    note            text
);

-- Every change an operator made through the query API: who (key id and the key's name at the time), what, when.
CREATE TABLE audit_log (
    audit_id    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    key_id      text        NOT NULL,
    key_name    text        NOT NULL,
    role        text        NOT NULL,
    action      text        NOT NULL,
    target      text        NOT NULL,
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_target_idx ON audit_log (target, occurred_at);
