-- Tags on IAM users (TagUser, UntagUser, ListUserTags). Keys are unique per user ignoring case;
-- the 50-per-user quota is checked by the engine under a lock on the user's row.
CREATE TABLE user_tags (
    user_id   text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    tag_key   text NOT NULL,
    tag_value text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX user_tags_key ON user_tags (user_id, lower(tag_key));
