-- +goose Up
-- Outgoing email, recorded before it is sent (internal/mail): one row per idempotency key; the
-- "email.send" job sends it and marks it sent in the job's completing transaction.
CREATE TABLE email_outbox (
    id              BIGSERIAL PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL DEFAULT '',
    headers         TEXT NOT NULL DEFAULT '{}',
    message_id      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);

-- +goose Down
DROP TABLE email_outbox;
