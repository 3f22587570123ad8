-- Browsing users at scale: path-prefix listing, name search, and a path tree with counts.

-- Paths compare byte by byte: prefix LIKE can then use a plain B-tree whatever the database's
-- locale, and the tree sorts '/a/' before '/a-b/' the same way everywhere.
ALTER TABLE users ALTER COLUMN path TYPE text COLLATE "C";

-- Keyset pagination by name within a path prefix, and by creation time.
CREATE INDEX users_account_path_name_idx ON users (account_id, path, lower(user_name));
CREATE INDEX users_account_created_idx ON users (account_id, created_at, user_id);

-- Substring search on names, ignoring case.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_name_trgm_idx ON users USING gin (lower(user_name) gin_trgm_ops);

-- Users per exact path, kept by statement-level triggers (one aggregated upsert per statement, so
-- bulk loads stay fast): the path tree and prefix totals read this, never count user rows.
CREATE TABLE user_paths (
    account_id text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    path       text COLLATE "C" NOT NULL,
    user_count bigint NOT NULL,
    PRIMARY KEY (account_id, path)
);

-- Applies per-path deltas in path order (a consistent lock order, so concurrent moves between two
-- paths cannot deadlock) and drops paths that became empty.
CREATE FUNCTION user_paths_apply(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_paths AS p (account_id, path, user_count)
    SELECT d.account_id, d.path COLLATE "C", d.delta
      FROM jsonb_to_recordset(deltas) AS d(account_id text, path text, delta bigint)
     WHERE d.delta <> 0
     ORDER BY d.account_id, d.path COLLATE "C"
    ON CONFLICT (account_id, path) DO UPDATE SET user_count = p.user_count + excluded.user_count;
    DELETE FROM user_paths p
     USING jsonb_to_recordset(deltas) AS d(account_id text, path text, delta bigint)
     WHERE p.account_id = d.account_id AND p.path = d.path COLLATE "C" AND p.user_count <= 0;
END
$$;

CREATE FUNCTION users_paths_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM user_paths_apply(COALESCE((
        SELECT jsonb_agg(jsonb_build_object('account_id', account_id, 'path', path, 'delta', n))
          FROM (SELECT account_id, path, count(*) AS n FROM new_rows GROUP BY 1, 2) g), '[]'));
    RETURN NULL;
END
$$;

CREATE FUNCTION users_paths_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM user_paths_apply(COALESCE((
        SELECT jsonb_agg(jsonb_build_object('account_id', account_id, 'path', path, 'delta', -n))
          FROM (SELECT account_id, path, count(*) AS n FROM old_rows GROUP BY 1, 2) g), '[]'));
    RETURN NULL;
END
$$;

CREATE FUNCTION users_paths_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM user_paths_apply(COALESCE((
        SELECT jsonb_agg(jsonb_build_object('account_id', account_id, 'path', path, 'delta', n))
          FROM (SELECT account_id, path, sum(d) AS n
                  FROM (SELECT account_id, path, 1 AS d FROM new_rows
                        UNION ALL
                        SELECT account_id, path, -1 AS d FROM old_rows) x
                 GROUP BY 1, 2) g), '[]'));
    RETURN NULL;
END
$$;

CREATE TRIGGER users_paths_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION users_paths_after_insert();
CREATE TRIGGER users_paths_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION users_paths_after_delete();
CREATE TRIGGER users_paths_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION users_paths_after_update();

-- Users created before this migration.
INSERT INTO user_paths (account_id, path, user_count)
SELECT account_id, path, count(*) FROM users GROUP BY 1, 2;
