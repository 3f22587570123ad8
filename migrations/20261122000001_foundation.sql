-- Accounts with their root users, IAM users with console passwords, sign-in throttling, sessions.

CREATE TABLE accounts (
    account_id               text PRIMARY KEY
                             CONSTRAINT accounts_account_id_format CHECK (account_id ~ '^[0-9]{12}$'),
    alias                    text CONSTRAINT accounts_alias_key UNIQUE,
    root_email               text NOT NULL,
    root_password_hash       text NOT NULL,
    root_password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at               timestamptz NOT NULL DEFAULT now()
);
-- Root emails are unique across the installation, ignoring case.
CREATE UNIQUE INDEX accounts_root_email_key ON accounts (lower(root_email));

CREATE TABLE users (
    user_id               text PRIMARY KEY,
    account_id            text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_name             text NOT NULL,
    path                  text NOT NULL DEFAULT '/',
    created_at            timestamptz NOT NULL DEFAULT now(),
    password_last_used_at timestamptz
);
-- IAM: user names are unique within an account ignoring case ("Bob" vs "bob").
CREATE UNIQUE INDEX users_account_name_key ON users (account_id, lower(user_name));

-- A user's console password (IAM's login profile); at most one per user.
CREATE TABLE login_profiles (
    user_id                 text PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    password_hash           text NOT NULL,
    password_reset_required boolean NOT NULL DEFAULT false,
    created_at              timestamptz NOT NULL DEFAULT now(),
    password_changed_at     timestamptz NOT NULL DEFAULT now()
);

-- Failed sign-in counters, one row per throttled subject ("user:<account>:<name>", "root:<email>",
-- "ip:<address>"). Attempts are charged before the password is checked, under the row lock that
-- INSERT .. ON CONFLICT takes, so parallel guesses cannot slip past the limit and replicas share it.
CREATE TABLE signin_throttle (
    throttle_key    text PRIMARY KEY,
    failures        integer NOT NULL,
    locked_until    timestamptz,
    last_attempt_at timestamptz NOT NULL DEFAULT now()
);

-- tower-sessions' Postgres store (tower-sessions-sqlx-store 0.15 layout).
CREATE SCHEMA IF NOT EXISTS tower_sessions;
CREATE TABLE IF NOT EXISTS tower_sessions.session (
    id          text PRIMARY KEY NOT NULL,
    data        bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);
CREATE INDEX session_expiry_date_idx ON tower_sessions.session (expiry_date);

-- Charges one sign-in attempt to a throttled subject. Returns the failure count after the charge,
-- or NULL when the subject is locked (then nothing is charged and the password must not be checked).
-- From the p_free-th failure on, each charge locks the subject for p_base_secs * 2^(n - p_free)
-- seconds, at most p_max_secs; a subject quiet for p_reset_secs starts again from zero.
CREATE FUNCTION signin_charge_attempt(p_key text, p_free integer, p_base_secs integer,
                                      p_max_secs integer, p_reset_secs integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    r signin_throttle%ROWTYPE;
    next_failures integer;
BEGIN
    INSERT INTO signin_throttle (throttle_key, failures, last_attempt_at)
    VALUES (p_key, 0, now())
    ON CONFLICT (throttle_key) DO NOTHING;

    SELECT * INTO r FROM signin_throttle WHERE throttle_key = p_key FOR UPDATE;
    IF r.locked_until IS NOT NULL AND r.locked_until > clock_timestamp() THEN
        RETURN NULL;
    END IF;

    next_failures := CASE WHEN r.last_attempt_at < now() - make_interval(secs => p_reset_secs)
                          THEN 1 ELSE r.failures + 1 END;
    UPDATE signin_throttle
       SET failures = next_failures,
           locked_until = CASE WHEN next_failures >= p_free
                               THEN clock_timestamp() + make_interval(secs =>
                                    LEAST(p_max_secs, p_base_secs * power(2, LEAST(next_failures - p_free, 20))))
                          END,
           last_attempt_at = now()
     WHERE throttle_key = p_key;
    RETURN next_failures;
END
$$;

-- Before a password check: charges the source address, then the subject (always in that order, so
-- concurrent sign-ins lock rows in one order), in one statement. Returns 'ok', 'address_locked'
-- or 'subject_locked'.
CREATE FUNCTION signin_begin(p_address text, a_free integer, a_base integer, a_max integer, a_reset integer,
                             p_subject text, s_free integer, s_base integer, s_max integer, s_reset integer)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    -- Counters need no WAL flush before answering: a crash can lose at most the last fraction of
    -- a second of increments. This statement's transaction only; credentials stay synchronous.
    PERFORM set_config('synchronous_commit', 'off', true);
    IF signin_charge_attempt(p_address, a_free, a_base, a_max, a_reset) IS NULL THEN
        RETURN 'address_locked';
    END IF;
    IF signin_charge_attempt(p_subject, s_free, s_base, s_max, s_reset) IS NULL THEN
        RETURN 'subject_locked';
    END IF;
    RETURN 'ok';
END
$$;

-- After a correct password: the address gets its charge back (only failures count against it,
-- lifting a lock that brings it under the limit), the subject's failures are cleared, and an IAM
-- user's PasswordLastUsed is recorded. Address row first: the same lock order as signin_begin.
CREATE FUNCTION signin_succeeded(p_address text, a_free integer, p_subject text, p_user_id text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    UPDATE signin_throttle
       SET failures = GREATEST(failures - 1, 0),
           locked_until = CASE WHEN failures - 1 < a_free THEN NULL ELSE locked_until END
     WHERE throttle_key = p_address;
    DELETE FROM signin_throttle WHERE throttle_key = p_subject;
    IF p_user_id IS NOT NULL THEN
        UPDATE users SET password_last_used_at = now() WHERE user_id = p_user_id;
    END IF;
END
$$;
