-- Mail in `outbox` is delivered by SMTP when the server has an SMTP relay configured: the row is
-- written in the same transaction as what it announces (a reset token), then a worker claims it.
-- `next_attempt_at` is a lease as well as a back-off, so two servers never send one mail twice at once.
ALTER TABLE outbox
    ADD COLUMN sent_at         timestamptz,
    ADD COLUMN attempts        integer     NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN last_error      text;

CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL;
