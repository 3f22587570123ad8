-- A user's permissions boundary: the ARN of a managed policy (AWS's or the account's) whose
-- allows cap what the user's own policies can grant. A customer policy in use as a boundary
-- cannot be deleted by the API (DeleteConflict); the console's delete clears it first.
ALTER TABLE users ADD COLUMN permissions_boundary text
    CONSTRAINT users_permissions_boundary_length CHECK (length(permissions_boundary) <= 2048);
CREATE INDEX users_permissions_boundary ON users (account_id, permissions_boundary)
    WHERE permissions_boundary IS NOT NULL;
