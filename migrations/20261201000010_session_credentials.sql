-- Temporary credentials from STS GetSessionToken: an `ASIA…` key id, a secret sealed like access
-- keys' (bound to the id), and only the SHA-256 of the session token. They die with their parent
-- key (and so with the user), expire at `expires_at`, and remember when MFA was proven (`mfa_at`),
-- which the `aws:MultiFactorAuth*` condition keys read.
CREATE TABLE session_credentials (
    access_key_id  text        PRIMARY KEY,
    parent_key_id  text        NOT NULL REFERENCES access_keys (access_key_id) ON DELETE CASCADE,
    account_id     text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_id        text        REFERENCES users (user_id) ON DELETE CASCADE,
    sealed_secret  bytea       NOT NULL,
    token_hash     text        NOT NULL,
    mfa_at         timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    CONSTRAINT session_credentials_id_format CHECK (access_key_id ~ '^ASIA[A-Z2-7]{16}$')
);

CREATE INDEX session_credentials_parent ON session_credentials (parent_key_id);
CREATE INDEX session_credentials_expiry ON session_credentials (expires_at);
