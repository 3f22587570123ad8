-- An event's page looks it up by its id (`/console/events/<event-id>`): without an index that was
-- a scan of the account's whole history (issue 30).
CREATE INDEX events_by_id ON events (account_id, event_id);
