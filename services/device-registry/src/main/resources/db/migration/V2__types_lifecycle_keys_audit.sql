-- Device types as a managed resource, rule kinds, operator API keys and the audit log.

CREATE TABLE device_types (
    type        text COLLATE "C" PRIMARY KEY,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Devices registered before types were managed keep working: their types become managed types.
INSERT INTO device_types (type, description, created_at, updated_at)
SELECT type, '', min(created_at), min(created_at) FROM devices GROUP BY type;

-- The foreign key is what refuses to delete a type that devices still use, even between two concurrent requests.
ALTER TABLE devices ADD CONSTRAINT devices_type_fkey FOREIGN KEY (type) REFERENCES device_types (type);

CREATE INDEX devices_state_idx ON devices (state, device_id);
CREATE INDEX devices_labels_idx ON devices USING gin (labels jsonb_path_ops);

-- Rule kinds: INACTIVITY rules have no aggregation, direction or thresholds; RAW and INACTIVITY have no window.
ALTER TABLE alert_rules ADD COLUMN kind text NOT NULL DEFAULT 'THRESHOLD';
ALTER TABLE alert_rules ADD COLUMN inactivity_timeout_millis bigint;
ALTER TABLE alert_rules ALTER COLUMN aggregation DROP NOT NULL;
ALTER TABLE alert_rules ALTER COLUMN direction DROP NOT NULL;
ALTER TABLE alert_rules ALTER COLUMN raise_threshold DROP NOT NULL;
ALTER TABLE alert_rules ALTER COLUMN clear_threshold DROP NOT NULL;
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_window_check;
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_hysteresis_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_kind_check CHECK (kind IN ('THRESHOLD', 'RATE_OF_CHANGE', 'INACTIVITY'));
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_window_check CHECK (window_size_seconds >= 0);
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_shape_check CHECK (
    (kind = 'INACTIVITY' AND inactivity_timeout_millis > 0 AND aggregation IS NULL AND direction IS NULL
        AND window_size_seconds = 0)
    OR (kind <> 'INACTIVITY' AND inactivity_timeout_millis IS NULL AND aggregation IS NOT NULL
        AND direction IS NOT NULL AND raise_threshold IS NOT NULL AND clear_threshold IS NOT NULL
        AND ((aggregation = 'RAW') = (window_size_seconds = 0))));
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_hysteresis_check CHECK (
    kind = 'INACTIVITY'
    OR (direction = 'ABOVE' AND clear_threshold <= raise_threshold)
    OR (direction = 'BELOW' AND clear_threshold >= raise_threshold));

-- Operator API keys, by SHA-256 only (io.fleetstream.schema.TokenHash); the key itself is shown once.
CREATE TABLE operator_keys (
    key_id     text COLLATE "C" PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL,
    key_hash   text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz,
    CONSTRAINT operator_keys_key_hash_key UNIQUE (key_hash),
    CONSTRAINT operator_keys_role_check CHECK (role IN ('VIEWER', 'OPERATOR', 'ADMIN'))
);

-- Who changed what, when. Written in the transaction of the change it describes; never updated.
CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL,
    actor_key_id   text COLLATE "C" NOT NULL,
    actor_name     text        NOT NULL,
    action         text        NOT NULL,
    resource_type  text        NOT NULL,
    resource_id    text COLLATE "C" NOT NULL,
    change         jsonb       NOT NULL
);

CREATE INDEX audit_log_resource_idx ON audit_log (resource_type, resource_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_key_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
