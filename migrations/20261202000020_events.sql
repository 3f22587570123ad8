-- The event history: one row per change, sign-in step and refused or failed request, written in
-- the same transaction as the change it records (a failure outside it). `record` is the
-- CloudTrail record as exported; the other columns are what the history page filters and orders
-- by, each filter served by an index that ends in the page order (newest first), so the first
-- page of any one filter reads a few index entries however many events the account has.
CREATE TABLE events (
    account_id    text        NOT NULL,
    seq           bigint      GENERATED ALWAYS AS IDENTITY,
    event_id      uuid        NOT NULL DEFAULT gen_random_uuid(),
    event_time    timestamptz NOT NULL DEFAULT clock_timestamp(),
    event_name    text        NOT NULL,
    event_source  text        NOT NULL,
    read_only     boolean     NOT NULL,
    -- Who acted: the IAM user's name, or NULL for root.
    user_name     text,
    -- The IAM user the event is about (DeleteUser's user, a failed sign-in's name), if any.
    resource_name text,
    access_key_id text,
    source_ip     text,
    error_code    text,
    record        jsonb       NOT NULL,
    PRIMARY KEY (account_id, seq)
);

CREATE INDEX events_by_time ON events (account_id, event_time DESC, seq DESC);
CREATE INDEX events_by_name ON events (account_id, event_name, event_time DESC, seq DESC);
CREATE INDEX events_by_user ON events (account_id, user_name, event_time DESC, seq DESC) WHERE user_name IS NOT NULL;
CREATE INDEX events_by_resource ON events (account_id, resource_name, event_time DESC, seq DESC)
    WHERE resource_name IS NOT NULL;
CREATE INDEX events_by_key ON events (account_id, access_key_id, event_time DESC, seq DESC)
    WHERE access_key_id IS NOT NULL;
CREATE INDEX events_by_address ON events (account_id, source_ip, event_time DESC, seq DESC);
CREATE INDEX events_failed ON events (account_id, event_time DESC, seq DESC) WHERE error_code IS NOT NULL;
-- Pruning by age across accounts.
CREATE INDEX events_by_age ON events (event_time);
