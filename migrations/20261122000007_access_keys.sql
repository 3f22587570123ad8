-- Access keys of IAM users (user_id set) and of the root user (user_id NULL). The secret must stay
-- usable to verify SigV4 signatures, so it is sealed (XChaCha20-Poly1305 under the master key, bound
-- to the key id), never stored in plain text. At most two per owner, inactive ones included; the
-- owner's row (user, or account for root) is locked while counting.
CREATE TABLE access_keys (
    access_key_id     text        PRIMARY KEY,
    account_id        text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_id           text        REFERENCES users (user_id) ON DELETE CASCADE,
    sealed_secret     bytea       NOT NULL,
    status            text        NOT NULL DEFAULT 'Active',
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_used_at      timestamptz,
    last_used_service text,
    last_used_region  text,
    CONSTRAINT access_keys_status CHECK (status IN ('Active', 'Inactive')),
    CONSTRAINT access_keys_id_format CHECK (access_key_id ~ '^AKIA[A-Z2-7]{16}$')
);

CREATE INDEX access_keys_owner ON access_keys (account_id, coalesce(user_id, ''));
-- Deleting a user cascades here and checks for keys by user_id alone.
CREATE INDEX access_keys_user ON access_keys (user_id) WHERE user_id IS NOT NULL;
