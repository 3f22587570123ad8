-- The database holds names and paths to the domain's rules too (issue 30), as mfa_devices.path
-- already did: IAM names are 1-64 (users) or 1-128 (groups) characters of [A-Za-z0-9_+=,.@-]
-- (domain/user_name.rs, group_name.rs); a path is `/` or `/…/` of printable ASCII without
-- spaces, at most 512 characters (domain/iam_path.rs). A write that bypassed the validators
-- (a bug, a hand-made fix) now fails instead of storing what the API could not answer.
ALTER TABLE users
    ADD CONSTRAINT users_user_name_format CHECK (user_name ~ '^[A-Za-z0-9_+=,.@-]{1,64}$'),
    ADD CONSTRAINT users_path_format CHECK (char_length(path) <= 512 AND path ~ '^/([!-~]*/)?$');
ALTER TABLE groups
    ADD CONSTRAINT groups_group_name_format CHECK (group_name ~ '^[A-Za-z0-9_+=,.@-]{1,128}$'),
    ADD CONSTRAINT groups_path_format CHECK (char_length(path) <= 512 AND path ~ '^/([!-~]*/)?$');
