-- Console passwords: the account password policy, password history (reuse prevention), session
-- epochs (a password change ends the principal's other sessions), root password reset tokens and
-- the local mail outbox.

-- IAM's account password policy; no row means AWS's default rules.
CREATE TABLE password_policies (
    account_id                     text PRIMARY KEY REFERENCES accounts (account_id) ON DELETE CASCADE,
    minimum_password_length        integer NOT NULL CHECK (minimum_password_length BETWEEN 6 AND 128),
    require_symbols                boolean NOT NULL,
    require_numbers                boolean NOT NULL,
    require_uppercase_characters   boolean NOT NULL,
    require_lowercase_characters   boolean NOT NULL,
    allow_users_to_change_password boolean NOT NULL,
    max_password_age               integer CHECK (max_password_age BETWEEN 1 AND 1095),
    password_reuse_prevention      integer CHECK (password_reuse_prevention BETWEEN 1 AND 24),
    hard_expiry                    boolean NOT NULL,
    updated_at                     timestamptz NOT NULL DEFAULT now()
);

-- Every console password a user has had (the current one included), newest last; at most 24 are
-- kept, the most PasswordReusePrevention can ask for.
CREATE TABLE password_history (
    user_id       text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    password_hash text NOT NULL,
    set_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX password_history_user_idx ON password_history (user_id, set_at DESC);

-- Sessions remember the epoch they were signed in under; bumping it ends all of them.
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN root_session_epoch integer NOT NULL DEFAULT 0;

-- "Forgot password?" for root users: single-use tokens, stored only as SHA-256 hashes.
CREATE TABLE root_password_resets (
    token_hash text PRIMARY KEY,
    account_id text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX root_password_resets_account_idx ON root_password_resets (account_id);

-- Mail that would go out by SMTP; kept here when no SMTP server is configured (`lanyard outbox`).
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    recipient  text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
