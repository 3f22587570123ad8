-- The master keys that have sealed secrets, by their public id (a SHA-256 prefix of the key; the
-- keys themselves are never stored). A server refuses to start while a key that may still have
-- sealed values is one it was not given; `lanyard master-key rotate` retires a key once nothing
-- is sealed under it any more.
CREATE TABLE sealing_keys (
    key_id        text        PRIMARY KEY,
    registered_at timestamptz NOT NULL DEFAULT now(),
    retired_at    timestamptz
);
