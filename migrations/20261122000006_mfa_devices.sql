-- Virtual MFA devices of IAM users (user_id set) and of the root user (user_id NULL).
-- The TOTP seed is sealed (XChaCha20-Poly1305 under the server's master key, bound to the row's id);
-- the plain seed is never stored. `last_used_step` is the newest time step accepted from the device:
-- a code is accepted only by moving it forward (compare-and-set), so no code works twice.
CREATE TABLE mfa_devices (
    id             bigserial PRIMARY KEY,
    account_id     text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_id        text        REFERENCES users (user_id) ON DELETE CASCADE,
    name           text        NOT NULL,
    sealed_seed    bytea       NOT NULL,
    last_used_step bigint      NOT NULL,
    -- Steps the device's clock is ahead (+) or behind (-), learnt by a resync.
    drift_steps    integer     NOT NULL DEFAULT 0,
    enabled_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz,
    CONSTRAINT mfa_devices_name_length CHECK (char_length(name) BETWEEN 1 AND 128)
);

-- The serial ARN (arn:aws:iam::<account>:mfa/<name>) names one device per account, ignoring case.
CREATE UNIQUE INDEX mfa_devices_account_name_key ON mfa_devices (account_id, lower(name));
-- One lookup for both kinds of owner: `coalesce(user_id, '')` is '' for the root user.
CREATE INDEX mfa_devices_owner ON mfa_devices (account_id, coalesce(user_id, ''));
-- Deleting a user cascades here and checks for devices by user_id alone.
CREATE INDEX mfa_devices_user ON mfa_devices (user_id) WHERE user_id IS NOT NULL;
