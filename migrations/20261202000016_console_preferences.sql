-- What a principal chose in the console (the users list's columns), remembered for them across
-- sessions and browsers. Root has no user row (user_id NULL); a user's choices go with the user.
CREATE TABLE console_preferences (
    account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_id     text REFERENCES users (user_id) ON DELETE CASCADE,
    name        text NOT NULL CONSTRAINT console_preferences_name_length CHECK (length(name) <= 64),
    value       text NOT NULL CONSTRAINT console_preferences_value_length CHECK (length(value) <= 1000),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX console_preferences_key ON console_preferences (account_id, (coalesce(user_id, '')), name);
