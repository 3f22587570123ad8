-- The credential report of each account (IAM's GenerateCredentialReport / GetCredentialReport):
-- one row per account with its state, and the CSV in chunks of at most 3 MiB (each a multiple of
-- 3 bytes, so their base64 encodings concatenate), written by one transaction that replaces the
-- previous report's chunks only when the new one is complete.
CREATE TABLE credential_reports (
    account_id   text        PRIMARY KEY REFERENCES accounts (account_id) ON DELETE CASCADE,
    state        text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    generated_at timestamptz,
    byte_size    bigint,
    CONSTRAINT credential_reports_state CHECK (state IN ('STARTED', 'COMPLETE')),
    CONSTRAINT credential_reports_complete CHECK ((state = 'COMPLETE') = (generated_at IS NOT NULL))
);

CREATE TABLE credential_report_chunks (
    account_id text    NOT NULL REFERENCES credential_reports (account_id) ON DELETE CASCADE,
    seq        integer NOT NULL,
    data       bytea   NOT NULL,
    PRIMARY KEY (account_id, seq)
);

-- A time as the credential report writes it: ISO 8601 in UTC, `2026-12-02T13:00:00+00:00`.
CREATE FUNCTION report_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
$$;
