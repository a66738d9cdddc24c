-- Devices, credentials, alert rules and the transactional outbox of the device registry.
-- Identifiers use the "C" collation so that paging by id is byte order on every server, whatever its locale.

CREATE TABLE devices (
    device_id   text COLLATE "C" PRIMARY KEY,
    name        text        NOT NULL,
    type        text COLLATE "C" NOT NULL,
    labels      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    state       text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT devices_state_check CHECK (state IN ('PROVISIONED', 'ACTIVE', 'SUSPENDED', 'DECOMMISSIONED'))
);

CREATE INDEX devices_type_idx ON devices (type, device_id);

-- Only the SHA-256 of a token is kept; the token itself is shown once to the operator and never stored.
CREATE TABLE device_credentials (
    credential_id text COLLATE "C" PRIMARY KEY,
    device_id     text COLLATE "C" NOT NULL REFERENCES devices (device_id),
    token_hash    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,
    revoked_at    timestamptz,
    CONSTRAINT device_credentials_token_hash_key UNIQUE (token_hash)
);

CREATE INDEX device_credentials_device_idx ON device_credentials (device_id);

CREATE TABLE alert_rules (
    rule_id             text COLLATE "C" PRIMARY KEY,
    name                text             NOT NULL,
    scope_device_id     text,
    scope_device_type   text,
    scope_labels        jsonb            NOT NULL DEFAULT '{}'::jsonb,
    metric              text             NOT NULL,
    aggregation         text             NOT NULL,
    window_size_seconds integer          NOT NULL,
    direction           text             NOT NULL,
    raise_threshold     double precision NOT NULL,
    clear_threshold     double precision NOT NULL,
    consecutive_windows integer          NOT NULL,
    severity            text             NOT NULL,
    enabled             boolean          NOT NULL,
    created_at          timestamptz      NOT NULL,
    updated_at          timestamptz      NOT NULL,
    CONSTRAINT alert_rules_window_check CHECK (window_size_seconds > 0),
    CONSTRAINT alert_rules_consecutive_check CHECK (consecutive_windows BETWEEN 1 AND 100),
    CONSTRAINT alert_rules_hysteresis_check CHECK (
        (direction = 'ABOVE' AND clear_threshold <= raise_threshold)
        OR (direction = 'BELOW' AND clear_threshold >= raise_threshold))
);

-- Changes waiting to be published. A row is written in the same transaction as the change it describes and deleted
-- by the relay once Kafka has acknowledged it. payload NULL is a tombstone.
CREATE TABLE outbox_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic      text        NOT NULL,
    record_key text        NOT NULL,
    payload    bytea,
    event_type text        NOT NULL,
    created_at timestamptz NOT NULL
);
