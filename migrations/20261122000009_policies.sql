-- Customer-managed policies (with up to five versions, one the default), managed-policy attachments
-- to users and groups (AWS-managed ones are referenced by their ARN; their documents ship with the
-- code), and inline policies embedded in a user or a group.
CREATE TABLE policies (
    policy_id          text        PRIMARY KEY,
    account_id         text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    policy_name        text        NOT NULL,
    path               text        NOT NULL DEFAULT '/',
    arn                text        NOT NULL,
    description        text        NOT NULL DEFAULT '',
    default_version_id text        NOT NULL DEFAULT 'v1',
    next_version       integer     NOT NULL DEFAULT 2,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX policies_account_name_key ON policies (account_id, lower(policy_name));
CREATE UNIQUE INDEX policies_arn_key ON policies (arn);

CREATE TABLE policy_versions (
    policy_id  text        NOT NULL REFERENCES policies (policy_id) ON DELETE CASCADE,
    version_id text        NOT NULL,
    document   text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (policy_id, version_id)
);

-- One row per (policy, user) or (policy, group). `policy_arn` names an AWS-managed policy or one of
-- the account's own (whose deletion is refused while a row names it).
CREATE TABLE policy_attachments (
    account_id  text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    policy_arn  text        NOT NULL,
    user_id     text        REFERENCES users (user_id) ON DELETE CASCADE,
    group_id    text        REFERENCES groups (group_id) ON DELETE CASCADE,
    attached_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT policy_attachments_one_target CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX policy_attachments_user_key ON policy_attachments (user_id, policy_arn) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX policy_attachments_group_key ON policy_attachments (group_id, policy_arn) WHERE group_id IS NOT NULL;
CREATE INDEX policy_attachments_policy ON policy_attachments (account_id, policy_arn);

CREATE TABLE inline_policies (
    account_id  text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_id     text        REFERENCES users (user_id) ON DELETE CASCADE,
    group_id    text        REFERENCES groups (group_id) ON DELETE CASCADE,
    policy_name text        NOT NULL,
    document    text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inline_policies_one_target CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX inline_policies_user_key ON inline_policies (user_id, lower(policy_name)) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX inline_policies_group_key ON inline_policies (group_id, lower(policy_name)) WHERE group_id IS NOT NULL;
