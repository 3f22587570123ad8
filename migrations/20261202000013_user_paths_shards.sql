-- The per-path user counts were one row per path, so every CreateUser and DeleteUser in a path
-- waited for the previous one's commit (its row lock is held through the WAL flush): writers in
-- one path ran one at a time, ~180/s on the 2-core VM. Each path now has up to 16 counter rows
-- (shards), and a transaction updates the one its connection maps to (backend pid mod 16), so
-- concurrent writers rarely meet. Readers already sum; a path is shown when its sum is positive.
-- A shard may go negative (a user created through one connection, deleted through another);
-- shards that reach exactly zero are dropped. Deltas of an account being deleted (its users go by
-- cascade) are skipped: its counters go with it.
ALTER TABLE user_paths ADD COLUMN shard smallint NOT NULL DEFAULT 0;
ALTER TABLE user_paths DROP CONSTRAINT user_paths_pkey;
ALTER TABLE user_paths ADD PRIMARY KEY (account_id, path, shard);

CREATE OR REPLACE FUNCTION user_paths_apply(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    my_shard smallint := (pg_backend_pid() % 16)::smallint;
BEGIN
    -- Path order is the lock order, so concurrent moves between two paths cannot deadlock.
    INSERT INTO user_paths AS p (account_id, path, shard, user_count)
    SELECT d.account_id, d.path COLLATE "C", my_shard, d.delta
      FROM jsonb_to_recordset(deltas) AS d(account_id text, path text, delta bigint)
     WHERE d.delta <> 0 AND EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = d.account_id)
     ORDER BY d.account_id, d.path COLLATE "C"
    ON CONFLICT (account_id, path, shard) DO UPDATE SET user_count = p.user_count + excluded.user_count;
    DELETE FROM user_paths p
     USING jsonb_to_recordset(deltas) AS d(account_id text, path text, delta bigint)
     WHERE p.account_id = d.account_id AND p.path = d.path COLLATE "C" AND p.shard = my_shard
       AND p.user_count = 0;
END
$$;
