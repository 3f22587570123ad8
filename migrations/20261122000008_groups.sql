-- IAM groups and their members. Names are unique within an account ignoring case, like users.
CREATE TABLE groups (
    group_id   text        PRIMARY KEY,
    account_id text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    group_name text        NOT NULL,
    path       text        NOT NULL DEFAULT '/',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX groups_account_name_key ON groups (account_id, lower(group_name));

CREATE TABLE group_members (
    group_id text        NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    user_id  text        NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_id)
);
-- A user's groups (the 10-group quota, ListGroupsForUser, and cascades when a user goes).
CREATE INDEX group_members_user ON group_members (user_id);
